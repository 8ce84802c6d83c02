//! A Kafka broker secured as managed services are (TLS, SCRAM-SHA-512, mutual TLS, ACLs),
//! started by `scripts/kafka-secure.sh` in a temporary folder and stopped when dropped.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A running secured broker and what its script made: addresses, certificates, users.
pub struct SecureBroker {
    dir: tempfile::TempDir,
    env: HashMap<String, String>,
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/kafka-secure.sh")
}

impl SecureBroker {
    /// Starts a broker on free loopback ports and waits until its ACLs are in place.
    pub fn start() -> SecureBroker {
        let dir = tempfile::tempdir().expect("temporary folder");
        let ports: Vec<String> = (0..4).map(|_| super::free_port().to_string()).collect();
        let output = Command::new("bash")
            .arg(script())
            .arg("start")
            .arg(dir.path())
            .env("TINSTREAM_SECURE_PORTS", ports.join(" "))
            .output()
            .expect("run scripts/kafka-secure.sh");
        assert!(
            output.status.success(),
            "scripts/kafka-secure.sh start failed:\n{}\n{}",
            String::from_utf8_lossy(&output.stderr),
            std::fs::read_to_string(dir.path().join("broker.log")).unwrap_or_default()
        );
        let env = std::fs::read_to_string(dir.path().join("env"))
            .expect("the script's env file")
            .lines()
            .filter_map(|line| line.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        SecureBroker { dir, env }
    }

    /// [`SecureBroker::start`] on the blocking pool.
    pub async fn started() -> SecureBroker {
        tokio::task::spawn_blocking(SecureBroker::start)
            .await
            .unwrap()
    }

    /// One value of the script's env file (`SASL_SSL_ADDRESS`, `TINSTREAM_PASSWORD`, …).
    pub fn get(&self, key: &str) -> &str {
        self.env
            .get(key)
            .unwrap_or_else(|| panic!("{key} missing from the secured broker's env file"))
    }

    /// A file of the certificates folder (`ca.pem`, `client.key`, …).
    pub fn cert(&self, name: &str) -> String {
        Path::new(self.get("CERTS"))
            .join(name)
            .display()
            .to_string()
    }

    /// The plaintext listener whose clients are super users: for the test's own reads.
    pub fn admin(&self) -> &str {
        self.get("ADMIN_ADDRESS")
    }

    /// Sets ACLs through the admin listener: `args` after `AclCommand --add` or `--remove`.
    pub fn acl(&self, args: &[&str]) {
        let libs = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/kafka/target/libs");
        let output = Command::new("java")
            .arg("-cp")
            .arg(format!("{}/*", libs.display()))
            .arg("org.apache.kafka.tools.AclCommand")
            .args(["--bootstrap-server", self.admin(), "--force"])
            .args(args)
            .output()
            .expect("run AclCommand");
        assert!(
            output.status.success(),
            "AclCommand {args:?} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// The broker's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("broker.log")).unwrap_or_default()
    }
}

impl Drop for SecureBroker {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(script())
            .arg("stop")
            .arg(self.dir.path())
            .status();
    }
}
