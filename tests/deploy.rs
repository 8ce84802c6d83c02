//! What can be checked of `deploy/` without a container engine or a cluster: every YAML and
//! JSON file parses, the tinstream configurations inside them pass `check-config`, the probes
//! and scrape settings point at the service's real endpoints, the dashboard asks only for
//! metrics the service exports, and the systemd unit passes `systemd-analyze verify`.

use serde_yaml_ng::Value;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The documents of a YAML file, with merge keys (`<<: *anchor`) applied as compose applies
/// them.
fn yaml_documents(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    serde_yaml_ng::Deserializer::from_str(&text)
        .map(|doc| {
            let mut value: Value = serde::Deserialize::deserialize(doc)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            value
                .apply_merge()
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            value
        })
        .collect()
}

fn check_config(path: &Path) {
    check_config_with(path, &[]);
}

/// `check-config` with environment variables set, as a container's environment sets them.
fn check_config_with(path: &Path, env: &[(&str, &str)]) {
    let out = Command::new(env!("CARGO_BIN_EXE_tinstream"))
        .args(["check-config", "--config"])
        .arg(path)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn listen_port(config_text: &str) -> u16 {
    let config: toml::Value = toml::from_str(config_text).unwrap();
    let listen = config["service"]["listen"].as_str().unwrap();
    listen.rsplit_once(':').unwrap().1.parse().unwrap()
}

#[test]
fn the_example_configurations_are_valid_and_use_absolute_paths() {
    for name in ["kafka.toml", "one-site.toml"] {
        check_config(&root().join("config/examples").join(name));
    }
    // The production example must not depend on the working directory.
    let text = std::fs::read_to_string(root().join("config/examples/kafka.toml")).unwrap();
    let config: toml::Value = toml::from_str(&text).unwrap();
    for path in [
        config["crawler"]["data_dir"].as_str(),
        config["parser"]["sites_dir"].as_str(),
        config["sink"]["spool"]["path"].as_str(),
    ] {
        assert!(path.unwrap().starts_with('/'), "{path:?}");
    }
}

#[test]
fn the_kubernetes_manifests_hold_a_valid_configuration_and_real_probes() {
    let docs = yaml_documents(&root().join("deploy/k8s/tinstream.yaml"));
    let find = |kind: &str| {
        docs.iter()
            .find(|d| d["kind"].as_str() == Some(kind))
            .unwrap_or_else(|| panic!("no {kind}"))
    };
    let config_text = find("ConfigMap")["data"]["tinstream.toml"]
        .as_str()
        .unwrap()
        .to_string();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("tinstream.toml");
    std::fs::write(&config, &config_text).unwrap();
    // Each pod's worker id is its name.
    check_config_with(&config, &[("TINSTREAM__CLUSTER__WORKER_ID", "tinstream-0")]);
    let port = listen_port(&config_text);
    let parsed: toml::Value = toml::from_str(&config_text).unwrap();
    assert_eq!(parsed["cluster"]["mode"].as_str(), Some("kafka"));

    let set = find("StatefulSet");
    // Several workers, at most one per partition.
    let replicas = set["spec"]["replicas"].as_u64().unwrap();
    let partitions = parsed["cluster"]["partitions"].as_integer().unwrap() as u64;
    assert!((2..=partitions).contains(&replicas), "{replicas} replicas");
    let pod = &set["spec"]["template"];
    assert_eq!(
        pod["metadata"]["annotations"]["prometheus.io/port"].as_str(),
        Some(port.to_string().as_str())
    );
    assert_eq!(
        pod["metadata"]["annotations"]["prometheus.io/path"].as_str(),
        Some("/metrics")
    );
    let container = &pod["spec"]["containers"][0];
    let worker_id = container["env"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|e| e["name"].as_str() == Some("TINSTREAM__CLUSTER__WORKER_ID"))
        .expect("the worker id comes from the environment");
    assert_eq!(
        worker_id["valueFrom"]["fieldRef"]["fieldPath"].as_str(),
        Some("metadata.name")
    );
    assert_eq!(
        container["ports"][0]["containerPort"].as_u64(),
        Some(port.into())
    );
    assert_eq!(
        container["livenessProbe"]["httpGet"]["path"].as_str(),
        Some("/healthz")
    );
    assert_eq!(
        container["readinessProbe"]["httpGet"]["path"].as_str(),
        Some("/readyz")
    );
    // The state store must be on the volume.
    let data_dir = toml::from_str::<toml::Value>(&config_text).unwrap()["crawler"]["data_dir"]
        .as_str()
        .unwrap()
        .to_string();
    let mounts: Vec<&str> = container["volumeMounts"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|m| m["mountPath"].as_str())
        .collect();
    assert!(mounts.contains(&data_dir.as_str()), "{mounts:?}");
    assert!(pod["spec"]["securityContext"]["runAsNonRoot"]
        .as_bool()
        .unwrap());
    // Longer than the drain deadline (30 s), so SIGTERM can finish its work.
    assert!(
        pod["spec"]["terminationGracePeriodSeconds"]
            .as_u64()
            .unwrap()
            > 30
    );
}

#[test]
fn the_compose_file_mounts_a_valid_configuration() {
    let compose = yaml_documents(&root().join("deploy/docker-compose.yml"));
    let service = &compose[0]["services"]["tinstream"];
    let mount = service["volumes"][0].as_str().unwrap();
    let source = mount.split(':').next().unwrap();
    let config: PathBuf = root().join("deploy").join(source);
    check_config(&config);
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("brokers = \"kafka:9092\""));
    assert!(service["ports"][0]
        .as_str()
        .unwrap()
        .ends_with(&listen_port(&text).to_string()));
    let kafka = &compose[0]["services"]["kafka"]["environment"];
    assert_eq!(
        kafka["KAFKA_PROCESS_ROLES"].as_str(),
        Some("broker,controller")
    );
    let dockerfile = service["build"]["dockerfile"].as_str().unwrap();
    assert!(root().join(dockerfile).is_file());

    // The cluster profile: workers with their own ids, volumes and ports, one configuration.
    let mut ids = Vec::new();
    for name in ["worker-1", "worker-2"] {
        let worker = &compose[0]["services"][name];
        assert_eq!(worker["profiles"][0].as_str(), Some("cluster"), "{name}");
        let id = worker["environment"]["TINSTREAM__CLUSTER__WORKER_ID"]
            .as_str()
            .unwrap();
        let mount = worker["volumes"][0].as_str().unwrap();
        let config = root().join("deploy").join(mount.split(':').next().unwrap());
        check_config_with(&config, &[("TINSTREAM__CLUSTER__WORKER_ID", id)]);
        let text = std::fs::read_to_string(&config).unwrap();
        let parsed: toml::Value = toml::from_str(&text).unwrap();
        assert_eq!(parsed["cluster"]["mode"].as_str(), Some("kafka"));
        ids.push((
            id.to_string(),
            worker["volumes"][1].as_str().unwrap().to_string(),
            worker["ports"][0].as_str().unwrap().to_string(),
        ));
    }
    assert_ne!(ids[0].0, ids[1].0, "worker ids must differ");
    assert_ne!(ids[0].1, ids[1].1, "each worker needs its own volume");
    assert_ne!(ids[0].2, ids[1].2, "each worker needs its own port");
}

#[test]
fn the_dockerfile_runs_as_a_user_and_copies_what_exists() {
    let text = std::fs::read_to_string(root().join("deploy/Dockerfile")).unwrap();
    let user = text
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("USER "))
        .expect("a USER line");
    assert!(!user.starts_with('0') && user != "root", "runs as {user}");
    for line in text
        .lines()
        .filter(|l| l.starts_with("COPY ") && !l.contains("--from"))
    {
        let source = line.split_whitespace().nth(1).unwrap();
        assert!(root().join(source).exists(), "{line}");
    }
}

#[test]
fn the_dashboard_asks_only_for_exported_metrics() {
    let text =
        std::fs::read_to_string(root().join("deploy/grafana/tinstream-dashboard.json")).unwrap();
    let dashboard: serde_json::Value = serde_json::from_str(&text).unwrap();
    let metrics_source = std::fs::read_to_string(root().join("src/metrics.rs")).unwrap();
    let registered: HashSet<String> = regex::Regex::new(r#"register\(\s*"([a-z_]+)""#)
        .unwrap()
        .captures_iter(&metrics_source)
        .map(|c| c[1].to_string())
        .collect();
    assert!(registered.contains("records_delivered"), "{registered:?}");
    let names = regex::Regex::new(r"tinstream_[a-z_]+").unwrap();
    let mut asked = 0;
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().unwrap() {
            let expr = target["expr"].as_str().unwrap();
            for name in names.find_iter(expr) {
                asked += 1;
                let base = name.as_str().trim_start_matches("tinstream_");
                let base = ["_total", "_bucket", "_sum", "_count"]
                    .iter()
                    .find_map(|s| base.strip_suffix(s))
                    .unwrap_or(base);
                assert!(
                    registered.contains(base),
                    "panel {:?} asks for {}, which the service does not export",
                    panel["title"],
                    name.as_str()
                );
            }
        }
    }
    assert!(asked >= 16);
}

#[test]
fn the_systemd_unit_verifies() {
    let Ok(probe) = Command::new("systemd-analyze").arg("--version").output() else {
        eprintln!("systemd-analyze is not installed; the unit is not verified");
        return;
    };
    assert!(probe.status.success());
    let unit = std::fs::read_to_string(root().join("deploy/systemd/tinstream.service")).unwrap();
    // Verify against the binary just built, since /usr/local/bin/tinstream is not installed
    // here.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tinstream.service");
    std::fs::write(
        &path,
        unit.replace("/usr/local/bin/tinstream", env!("CARGO_BIN_EXE_tinstream")),
    )
    .unwrap();
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
