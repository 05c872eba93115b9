//! Starting a pane's process with `posix_spawn(3)` (Linux with glibc).
//!
//! Why (issue 9, row I "new pane latency"): portable-pty starts the process with
//! `std::process::Command` and a `pre_exec` hook, which forces a `fork()` of the whole server:
//! the kernel copies the page tables of a process with a hundred threads (`dup_mmap`), both
//! sides then take copy-on-write faults, `execve` tears the copy down again, and the child
//! lists `/proc/self/fd` to close the server's descriptors one by one. Profiled with 100
//! panes (`perf record` of the server during `new-window -d` in a loop), that was about half
//! of the server's CPU per new pane. glibc's `posix_spawn` runs the child on the parent's
//! memory until it execs (`clone(CLONE_VM | CLONE_VFORK)`), and closes descriptors with one
//! `close_range`.
//!
//! The child gets what portable-pty gave it (its `CommandBuilder::as_command` and
//! `spawn_command`), and the result is the same process: a new session (`setsid`) whose
//! controlling terminal is the PTY (opened by path, without `O_NOCTTY`, as the session
//! leader's first terminal: Linux makes it the controlling terminal, as `TIOCSCTTY` did), the
//! PTY as descriptors 0, 1 and 2 and nothing else open, every signal at its default action
//! and none blocked (portable-pty reset six; std reset `SIGPIPE`; tmux resets all), the
//! server's environment with the pane's changes and `SHELL` set when it is missing (from the
//! password database), the working directory (the home directory when it is not a
//! directory), and the program found as portable-pty finds it (`PATH` of the pane's
//! environment, relative entries and `./prog` taken from the working directory).

use super::{PaneSpec, SpawnError};
use std::ffi::{CString, OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Component, Path, PathBuf};

/// Whether this build starts panes with [`spawn`]; elsewhere portable-pty does it.
pub const AVAILABLE: bool = cfg!(all(target_os = "linux", target_env = "gnu"));

/// Starts `spec`'s program on the PTY slave at `tty` (its path, e.g. `/dev/pts/3`) and
/// returns its pid. The caller reaps it (pidfd or `waitpid`).
///
/// # Errors
/// [`SpawnError::Exec`] when the program cannot be found or executed, or the working
/// directory cannot be entered (nothing is left running); [`SpawnError::Pty`] when `tty` or
/// an argument cannot be passed to the C library (an interior NUL byte).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn spawn(spec: &PaneSpec, tty: &Path) -> Result<u32, SpawnError> {
    let exec_err = |why: String| SpawnError::Exec {
        cmd: spec.argv.first().cloned().unwrap_or_default(),
        why,
    };
    let nul = |what: &str| SpawnError::Pty(format!("{what} holds a NUL byte"));
    let env = environment(spec);
    let get = |k: &str| {
        env.iter()
            .find(|(key, _)| key.as_os_str() == OsStr::new(k))
            .map(|(_, v)| v.clone())
    };
    let cwd = if spec.cwd.is_dir() {
        spec.cwd.clone()
    } else {
        get("HOME")
            .map(PathBuf::from)
            .or_else(|| passwd().map(|p| p.0))
            .unwrap_or_else(|| PathBuf::from("/"))
    };
    let exe = spec.argv.first().map(String::as_str).unwrap_or_default();
    let path = search_path(exe, &cwd, get("PATH").as_deref()).map_err(exec_err)?;

    let c = |s: &OsStr| CString::new(s.as_bytes());
    let path = c(path.as_os_str()).map_err(|_| nul("the program path"))?;
    let tty = c(tty.as_os_str()).map_err(|_| nul("the PTY path"))?;
    let cwd = c(cwd.as_os_str()).map_err(|_| nul("the working directory"))?;
    let argv: Vec<CString> = spec
        .argv
        .iter()
        .map(|a| CString::new(a.as_bytes()))
        .collect::<Result<_, _>>()
        .map_err(|_| nul("an argument"))?;
    let envp: Vec<CString> = env
        .into_iter()
        .filter(|(k, _)| !k.is_empty() && !k.as_bytes().contains(&b'='))
        .map(|(k, v)| {
            let mut kv = k.into_vec();
            kv.push(b'=');
            kv.extend_from_slice(v.as_bytes());
            CString::new(kv)
        })
        .collect::<Result<_, _>>()
        .map_err(|_| nul("an environment variable"))?;
    let mut argv_p: Vec<*mut libc::c_char> = argv.iter().map(|a| a.as_ptr().cast_mut()).collect();
    argv_p.push(std::ptr::null_mut());
    let mut envp_p: Vec<*mut libc::c_char> = envp.iter().map(|a| a.as_ptr().cast_mut()).collect();
    envp_p.push(std::ptr::null_mut());

    let os = |rc: libc::c_int| std::io::Error::from_raw_os_error(rc).to_string();
    // SAFETY: the attribute and file-action objects are initialised before use and destroyed
    // by their guards; every pointer handed to the C library points into the CStrings and
    // vectors above, which outlive the call.
    unsafe {
        let mut actions = Actions {
            fa: std::mem::zeroed(),
            ok: false,
        };
        let rc = libc::posix_spawn_file_actions_init(&mut actions.fa);
        if rc != 0 {
            return Err(SpawnError::Pty(os(rc)));
        }
        actions.ok = true;
        let mut attr = Attr {
            at: std::mem::zeroed(),
            ok: false,
        };
        let rc = libc::posix_spawnattr_init(&mut attr.at);
        if rc != 0 {
            return Err(SpawnError::Pty(os(rc)));
        }
        attr.ok = true;
        let fa = &mut actions.fa;
        let mut empty: libc::sigset_t = std::mem::zeroed();
        let mut all: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut empty);
        libc::sigfillset(&mut all);
        let flags = i32::from(libc::POSIX_SPAWN_SETSID)
            | libc::POSIX_SPAWN_SETSIGMASK
            | libc::POSIX_SPAWN_SETSIGDEF;
        let setup = [
            // glibc runs setsid before the file actions, so this open makes the PTY the new
            // session's controlling terminal.
            libc::posix_spawn_file_actions_addopen(fa, 0, tty.as_ptr(), libc::O_RDWR, 0),
            libc::posix_spawn_file_actions_adddup2(fa, 0, 1),
            libc::posix_spawn_file_actions_adddup2(fa, 0, 2),
            libc::posix_spawn_file_actions_addclosefrom_np(fa, 3),
            libc::posix_spawn_file_actions_addchdir_np(fa, cwd.as_ptr()),
            libc::posix_spawnattr_setsigmask(&mut attr.at, &empty),
            libc::posix_spawnattr_setsigdefault(&mut attr.at, &all),
            libc::posix_spawnattr_setflags(&mut attr.at, flags as libc::c_short),
        ];
        if let Some(&rc) = setup.iter().find(|&&rc| rc != 0) {
            return Err(SpawnError::Pty(os(rc)));
        }
        let mut pid: libc::pid_t = 0;
        let rc = libc::posix_spawn(
            &mut pid,
            path.as_ptr(),
            &actions.fa,
            &attr.at,
            argv_p.as_ptr(),
            envp_p.as_ptr(),
        );
        if rc != 0 {
            return Err(exec_err(os(rc)));
        }
        Ok(pid as u32)
    }
}

/// Placeholder where `posix_spawn` is not used ([`AVAILABLE`] is false): never called.
///
/// # Errors
/// Always [`SpawnError::Pty`].
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn spawn(_spec: &PaneSpec, _tty: &Path) -> Result<u32, SpawnError> {
    Err(SpawnError::Pty(
        "posix_spawn is not used on this system".into(),
    ))
}

/// `posix_spawn_file_actions_t`, destroyed on drop once initialised.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
struct Actions {
    fa: libc::posix_spawn_file_actions_t,
    ok: bool,
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
impl Drop for Actions {
    fn drop(&mut self) {
        if self.ok {
            // SAFETY: initialised (`ok` is set after a successful init), destroyed once.
            unsafe { libc::posix_spawn_file_actions_destroy(&mut self.fa) };
        }
    }
}

/// `posix_spawnattr_t`, destroyed on drop once initialised.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
struct Attr {
    at: libc::posix_spawnattr_t,
    ok: bool,
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
impl Drop for Attr {
    fn drop(&mut self) {
        if self.ok {
            // SAFETY: initialised (`ok` is set after a successful init), destroyed once.
            unsafe { libc::posix_spawnattr_destroy(&mut self.at) };
        }
    }
}

/// The child's environment: the server's, less `env_remove`, plus `env`, plus `SHELL` from
/// the password database when it is still missing (portable-pty's `CommandBuilder`).
fn environment(spec: &PaneSpec) -> Vec<(OsString, OsString)> {
    let mut env: Vec<(OsString, OsString)> = std::env::vars_os()
        .filter(|(k, _)| !spec.env_remove.iter().any(|r| OsStr::new(r) == k))
        .collect();
    for (k, v) in &spec.env {
        match env
            .iter_mut()
            .find(|(key, _)| key.as_os_str() == OsStr::new(k))
        {
            Some(slot) => slot.1 = v.into(),
            None => env.push((k.into(), v.into())),
        }
    }
    if !env.iter().any(|(k, _)| k == "SHELL") {
        let shell = passwd()
            .map(|p| p.1)
            .unwrap_or_else(|| OsString::from("/bin/sh"));
        env.push(("SHELL".into(), shell));
    }
    env
}

/// The user's home directory and login shell from the password database.
fn passwd() -> Option<(PathBuf, OsString)> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let mut buf = vec![0 as libc::c_char; 16 * 1024];
        // SAFETY: getpwuid_r writes into `pw` and `buf` (whose length it is given) only; the
        // strings it returns point into `buf`, copied out before it is dropped.
        unsafe {
            let mut pw: libc::passwd = std::mem::zeroed();
            let mut out: *mut libc::passwd = std::ptr::null_mut();
            let rc = libc::getpwuid_r(
                libc::getuid(),
                &mut pw,
                buf.as_mut_ptr(),
                buf.len(),
                &mut out,
            );
            if rc != 0 || out.is_null() || pw.pw_dir.is_null() || pw.pw_shell.is_null() {
                return None;
            }
            let s = |p: *const libc::c_char| {
                OsStr::from_bytes(std::ffi::CStr::from_ptr(p).to_bytes()).to_owned()
            };
            Some((PathBuf::from(s(pw.pw_dir)), s(pw.pw_shell)))
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    None
}

/// Finds the program as portable-pty's `CommandBuilder::search_path` does: an absolute path
/// as it is; `./x` or `../x` in `cwd`; a bare name in each `PATH` entry (relative entries
/// taken from `cwd`). The error text is one line, as the pane's creator reports it.
fn search_path(exe: &str, cwd: &Path, path_var: Option<&OsStr>) -> Result<PathBuf, String> {
    let p = Path::new(exe);
    let check = |c: &Path| -> Result<(), String> {
        if c.is_dir() {
            Err(format!("{} is a directory", c.display()))
        } else if executable(c) {
            Ok(())
        } else if c.exists() {
            Err(format!("{} is not executable", c.display()))
        } else {
            Err(format!("{} does not exist", c.display()))
        }
    };
    if p.is_absolute() {
        check(p)?;
        return Ok(p.to_path_buf());
    }
    if matches!(
        p.components().next(),
        Some(Component::CurDir | Component::ParentDir)
    ) {
        let abs = cwd.join(p);
        check(&abs)?;
        return Ok(abs);
    }
    if let Some(var) = path_var {
        for dir in std::env::split_paths(var) {
            let c = cwd.join(dir).join(p);
            if !c.is_dir() && executable(&c) {
                return Ok(c);
            }
        }
    }
    Err("command not found in PATH".into())
}

/// `access(path, X_OK)`.
fn executable(p: &Path) -> bool {
    rustix::fs::access(p, rustix::fs::Access::EXEC_OK).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_are_found_as_portable_pty_finds_them() {
        let path = OsStr::new("/nonexistent:/usr/bin:/bin");
        let sh = search_path("sh", Path::new("/"), Some(path)).unwrap();
        assert!(sh.ends_with("sh") && sh.is_absolute(), "{sh:?}");
        assert_eq!(
            search_path("/bin/sh", Path::new("/tmp"), None).unwrap(),
            PathBuf::from("/bin/sh")
        );
        assert_eq!(
            search_path("nosuchprog-xyz", Path::new("/"), Some(path)).unwrap_err(),
            "command not found in PATH"
        );
        assert!(search_path("/", Path::new("/"), None)
            .unwrap_err()
            .contains("is a directory"));
        assert!(search_path("./nosuch", Path::new("/tmp"), None)
            .unwrap_err()
            .contains("/tmp/./nosuch does not exist"));
        // A relative PATH entry is taken from the working directory.
        let bin = search_path("sh", Path::new("/usr"), Some(OsStr::new("bin"))).unwrap();
        assert_eq!(bin, PathBuf::from("/usr/bin/sh"));
    }
}
