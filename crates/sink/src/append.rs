//! Appending to a file durably, or not at all. The file sink and the spool say "written" only
//! once the bytes are synced, and cut a failed write (a full disk) back out, so that nothing
//! half-written is read back as data or glues itself to the next line.
//!
//! The writes go through `std::fs::File` on the blocking pool rather than `tokio::fs::File`:
//! tokio's file hands a failed background write back on the *next* operation (its error kind
//! only), after `sync_data` has already answered for the bytes; a batch would be acknowledged
//! that never reached the disk.

use std::io::Write;

/// A file opened for appending, with its length after the last whole write.
pub(crate) struct AppendFile {
    /// None only after a write's task panicked and took the file with it.
    file: Option<std::fs::File>,
    len: u64,
}

impl AppendFile {
    /// Wraps a file opened in append mode.
    pub(crate) async fn new(file: tokio::fs::File) -> std::io::Result<AppendFile> {
        let len = file.metadata().await?.len();
        Ok(AppendFile {
            file: Some(file.into_std().await),
            len,
        })
    }

    /// Appends `buf` and syncs it. On failure the file is cut back to where it was.
    pub(crate) async fn append(&mut self, buf: Vec<u8>) -> std::io::Result<()> {
        let Some(mut file) = self.file.take() else {
            return Err(std::io::Error::other(
                "the file was lost by an earlier failed write",
            ));
        };
        let len = self.len;
        let written = tokio::task::spawn_blocking(move || {
            let result = file.write_all(&buf).and_then(|()| file.sync_data());
            let len = match &result {
                Ok(()) => len + buf.len() as u64,
                Err(_) => match file.set_len(len) {
                    Ok(()) => len,
                    Err(error) => {
                        tracing::error!(%error, "cannot cut a failed write back out of the file");
                        // Never cut below what is there now: a later failure must not take
                        // whole lines with it.
                        file.metadata().map_or(len, |m| m.len())
                    }
                },
            };
            (file, len, result)
        })
        .await;
        match written {
            Ok((file, len, result)) => {
                self.file = Some(file);
                self.len = len;
                result
            }
            Err(panicked) => Err(std::io::Error::other(format!(
                "the write panicked: {panicked}"
            ))),
        }
    }
}

/// A small tmpfs for tests of a full disk, unmounted when dropped. Tests run as root on the
/// project's machines, where `mount -t tmpfs` works.
#[cfg(test)]
pub(crate) struct Tmpfs(tempfile::TempDir);

#[cfg(test)]
impl Tmpfs {
    pub(crate) fn mount(size: &str) -> Tmpfs {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("mount runs");
        assert!(status.success(), "mount -t tmpfs failed (it needs root)");
        Tmpfs(dir)
    }

    pub(crate) fn path(&self) -> &std::path::Path {
        self.0.path()
    }
}

#[cfg(test)]
impl Drop for Tmpfs {
    fn drop(&mut self) {
        // Lazily: a writer's task may still hold its file open.
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(self.0.path())
            .status();
    }
}
