//! The README's test command sets up a fresh machine itself: it runs
//! scripts/setup.sh before anything else, and setup installs exactly what
//! is missing (checked with `SETUP_DRY_RUN=1` on a PATH without the tools).

use crate::harness::manifest_dir;
use std::path::Path;
use std::process::Command;

/// The README's second command, as written in its first code block.
fn readme_test_command() -> String {
    let readme = std::fs::read_to_string(manifest_dir().join("README.md")).unwrap();
    let block = readme
        .split("```")
        .nth(1)
        .expect("README starts with a code block");
    block
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("sh"))
        .nth(1)
        .expect("a second command")
        .split('#')
        .next()
        .unwrap()
        .trim()
        .to_string()
}

#[test]
fn the_readme_test_command_runs_setup_before_anything_else() {
    assert_eq!(readme_test_command(), "bash scripts/test.sh");
    let script = std::fs::read_to_string(manifest_dir().join("scripts/test.sh")).unwrap();
    let steps: Vec<&str> = script
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty() && !l.starts_with('#') && !l.starts_with("set ") && !l.starts_with("cd ")
        })
        .collect();
    assert_eq!(steps.first(), Some(&"bash scripts/setup.sh"), "{steps:?}");
    let ci = std::fs::read_to_string(manifest_dir().join(".ci/run")).unwrap();
    assert!(
        ci.contains("bash scripts/test.sh"),
        "CI runs the README's command"
    );
}

/// A folder of links to the few programs setup.sh needs, so that Chromium,
/// Java, Node.js and npm look missing.
fn bare_path(dir: &Path) -> String {
    for tool in ["bash", "dirname", "grep", "id", "cargo", "rustup", "env"] {
        let found = Command::new("bash")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .unwrap();
        let path = String::from_utf8_lossy(&found.stdout).trim().to_string();
        if !path.is_empty() {
            std::os::unix::fs::symlink(path, dir.join(tool)).unwrap();
        }
    }
    dir.display().to_string()
}

#[test]
fn setup_installs_the_browser_tools_a_fresh_machine_lacks() {
    let bin = tempfile::tempdir().unwrap();
    let out = Command::new("bash")
        .arg(manifest_dir().join("scripts/setup.sh"))
        .env("PATH", bare_path(bin.path()))
        .env("SETUP_DRY_RUN", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("installing chromium chromium-driver default-jre-headless nodejs npm"),
        "{stdout}{stderr}"
    );
    let root = stdout.contains("would run: apt-get install")
        || stdout.contains("would run: sudo apt-get install")
        || stdout.contains("would run: env DEBIAN_FRONTEND=noninteractive apt-get install");
    assert!(
        root || stderr.contains("install them as root"),
        "setup either installs or says how: {stdout}{stderr}"
    );
}
