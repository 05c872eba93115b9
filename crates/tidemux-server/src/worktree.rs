//! Git worktrees for panes (`--worktree BRANCH [--base REF] [--repo DIR]`), through the `git`
//! command (git 2.5+ for worktrees; messages from git are passed on whole).
//!
//! Location: `<dir>/<branch>` where `<dir>` is `--worktree-dir`, else
//! `<repo>/../<repo-name>.worktrees`, `<repo>` being the main working tree of the repository
//! (the parent of its common `.git` directory), so worktrees made from inside another worktree
//! land in the same place. An existing worktree for the branch at that path is reused.

use crate::error::{CmdError, CmdResult};
use std::path::{Path, PathBuf};
use std::process::Command;
use tidemux_proto::{Spawn, WorktreeSpec};

/// Runs git with `args` in `dir`; stdout on success, else git's stderr whole.
fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim_end()
        ))
    }
}

/// The main working tree of the repository containing `dir`.
fn main_tree(dir: &Path) -> Result<PathBuf, String> {
    let common = git(
        dir,
        &["rev-parse", "--path-format=absolute", "--git-common-dir"],
    )?;
    let common = PathBuf::from(common.trim());
    match common.file_name() {
        Some(n) if n == ".git" => Ok(common.parent().unwrap_or(&common).to_owned()),
        _ => Err(format!(
            "{} is not inside a repository with a working tree (git dir {})",
            dir.display(),
            common.display()
        )),
    }
}

/// Creates or reuses the worktree for `spec` (relative paths from `cwd`); returns its path.
///
/// # Errors
/// A bad branch name, no repository, a path taken by something else, or git's own message.
pub fn prepare(spec: &WorktreeSpec, cwd: &Path) -> Result<PathBuf, String> {
    let b = &spec.branch;
    if b.is_empty() {
        return Err("worktree branch name is empty".into());
    }
    let repo = match &spec.repo {
        Some(r) => cwd.join(r),
        None => cwd.to_owned(),
    };
    if !repo.is_dir() {
        return Err(format!(
            "repository directory '{}' does not exist",
            repo.display()
        ));
    }
    git(&repo, &["check-ref-format", "--branch", b])
        .map_err(|_| format!("'{b}' is not a valid branch name (git check-ref-format)"))?;
    let root = main_tree(&repo)?;
    let name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "repo".into());
    let dir = match &spec.dir {
        Some(d) => cwd.join(d),
        None => root
            .parent()
            .unwrap_or(&root)
            .join(format!("{name}.worktrees")),
    };
    let path = dir.join(b);
    if path.exists() {
        let head = git(&path, &["rev-parse", "--abbrev-ref", "HEAD"])
            .map(|h| h.trim().to_owned())
            .unwrap_or_default();
        let top = git(&path, &["rev-parse", "--show-toplevel"])
            .map(|t| PathBuf::from(t.trim()))
            .unwrap_or_default();
        let same = top.canonicalize().ok() == path.canonicalize().ok();
        if head == *b && same {
            return Ok(path);
        }
        return Err(format!(
            "{} exists but is not a worktree of branch '{b}' (HEAD there: '{head}'); remove it or choose --worktree-dir",
            path.display()
        ));
    }
    let p = path.to_string_lossy().into_owned();
    let exists = git(
        &root,
        &[
            "show-ref",
            "--verify",
            "--quiet",
            &format!("refs/heads/{b}"),
        ],
    )
    .is_ok();
    if exists {
        if spec.base.is_some() {
            return Err(format!(
                "branch '{b}' exists already; --base applies only to a new branch"
            ));
        }
        git(&root, &["worktree", "add", &p, b])?;
    } else {
        let mut args = vec!["worktree", "add", "-b", b, &p];
        if let Some(base) = &spec.base {
            args.push(base);
        }
        git(&root, &args)?;
    }
    Ok(path)
}

/// `git status --porcelain` of a worktree: empty when clean.
///
/// # Errors
/// git's message.
pub fn status(path: &str) -> Result<String, String> {
    git(Path::new(path), &["status", "--porcelain"])
}

/// `git worktree remove PATH` (run from the worktree's repository).
///
/// # Errors
/// git's message.
pub fn remove(path: &str) -> Result<(), String> {
    let root = main_tree(Path::new(path))?;
    git(&root, &["worktree", "remove", path]).map(|_| ())
}

/// Creates the spawn's worktree, if it asks for one, and starts the pane in it (sets `cwd`).
///
/// # Errors
/// As [`prepare`], as an `invalid` error.
pub async fn prepare_spawn(spawn: &mut Spawn) -> CmdResult<()> {
    let Some(spec) = spawn.worktree.clone() else {
        return Ok(());
    };
    let cwd = PathBuf::from(
        spawn
            .cwd
            .clone()
            .or_else(|| spawn.client_cwd.clone())
            .unwrap_or_else(|| ".".into()),
    );
    let path = tokio::task::spawn_blocking(move || prepare(&spec, &cwd))
        .await
        .map_err(|e| CmdError::failed(e.to_string()))?
        .map_err(CmdError::invalid)?;
    spawn.cwd = Some(path.display().to_string());
    Ok(())
}
