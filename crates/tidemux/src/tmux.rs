//! The `tmux` personality (issue 12, `docs/tmux-compat.md`): invoked as `tmux` (a link) or as
//! `tidemux tmux ARGS...`, the binary takes tmux 3.3a's global flags, socket paths and command
//! language, and prints what tmux prints.
//!
//! Global flags (tmux's getopt `2c:CDdf:lL:NqS:T:uUvV`): `-L NAME` is
//! `$TMUX_TMPDIR/tmux-UID/NAME` (default `/tmp/tmux-UID/default`), `-S PATH`, `-f FILE` (config
//! read when this call starts the server), `-C`/`-CC` control mode, `-c CMD` runs a shell
//! command, `-V` prints `tmux 3.3a` (`$TIDEMUX_TMUX_VERSION` overrides); `-2 -8 -u -N -v -D -l
//! -q -U -T` are accepted and change nothing. Without `-L`/`-S`, `$TMUX` names the socket.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tidemux_client::{Client, ClientError};
use tidemux_proto::{PaneId, Request, Response, TmuxOutput};
use tidemux_server::lang::{parse, table};

/// The version `-V` reports (a compatibility level; `TIDEMUX_TMUX_VERSION` overrides).
pub const TMUX_VERSION: &str = "3.3a";

const USAGE: &str = "usage: tmux [-2CDlNuvV] [-c shell-command] [-f file] [-L socket-name]\n            [-S socket-path] [-T features] [command [flags]]";

/// If `argv` asks for the tmux personality (argv[0] named `tmux`, or `tidemux tmux ...`), runs
/// it and returns the exit code.
pub fn dispatch(argv: &[OsString]) -> Option<ExitCode> {
    let name = argv
        .first()
        .map(|a| {
            Path::new(a)
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .unwrap_or_default();
    if name == "tmux" {
        return Some(main(lossy(&argv[1..])));
    }
    if argv.get(1).is_some_and(|a| a == "tmux") {
        return Some(main(lossy(&argv[2..])));
    }
    None
}

fn lossy(a: &[OsString]) -> Vec<String> {
    a.iter().map(|s| s.to_string_lossy().into_owned()).collect()
}

/// tmux's global flags.
#[derive(Debug, Default)]
struct Global {
    socket_name: Option<String>,
    socket_path: Option<String>,
    config: Vec<String>,
    control: u32,
    shell_command: Option<String>,
    version: bool,
}

fn parse_global(args: &[String]) -> Result<(Global, usize), String> {
    const SPEC: &str = "2c:CDdf:lL:NqS:T:uUvV";
    let mut g = Global::default();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            i += 1;
            break;
        }
        if !a.starts_with('-') || a.len() == 1 {
            break;
        }
        i += 1;
        let b: Vec<char> = a.chars().collect();
        let mut k = 1;
        while k < b.len() {
            let c = b[k];
            k += 1;
            let pos = SPEC
                .find(c)
                .filter(|_| c != ':')
                .ok_or_else(|| format!("tmux: unknown option -- {c}\n{USAGE}"))?;
            let takes = SPEC.as_bytes().get(pos + 1) == Some(&b':');
            let value = if takes {
                let v: String = b[k..].iter().collect();
                k = b.len();
                if !v.is_empty() {
                    Some(v)
                } else if i < args.len() {
                    i += 1;
                    Some(args[i - 1].clone())
                } else {
                    return Err(format!("tmux: option requires an argument -- {c}\n{USAGE}"));
                }
            } else {
                None
            };
            match c {
                'L' => g.socket_name = value,
                'S' => g.socket_path = value,
                'f' => g.config.extend(value),
                'C' => g.control += 1,
                'c' => g.shell_command = value,
                'V' => g.version = true,
                _ => {}
            }
        }
    }
    Ok((g, i))
}

/// tmux's socket directory: `$TMUX_TMPDIR/tmux-UID` (default `/tmp/tmux-UID`).
pub fn socket_dir() -> PathBuf {
    let base = std::env::var("TMUX_TMPDIR")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "/tmp".into());
    PathBuf::from(base).join(format!("tmux-{}", rustix::process::getuid().as_raw()))
}

fn socket_of(g: &Global) -> PathBuf {
    if let Some(p) = &g.socket_path {
        return PathBuf::from(p);
    }
    if g.socket_name.is_none() {
        // Inside a pane of a server started as tmux: $TMUX is SOCKET,PID,SESSION.
        if let Ok(t) = std::env::var("TMUX") {
            if let Some(sock) = t.split(',').next().filter(|s| !s.is_empty()) {
                return PathBuf::from(sock);
            }
        }
    }
    socket_dir().join(g.socket_name.as_deref().unwrap_or("default"))
}

/// The pane this command runs in, when `$TMUX` names this socket (`$TMUX_PANE`), else the
/// tidemux variables.
fn caller(socket: &Path) -> Option<PaneId> {
    let tmux = std::env::var("TMUX").ok();
    if tmux
        .as_deref()
        .and_then(|t| t.split(',').next())
        .is_some_and(|s| Path::new(s) == socket)
    {
        return std::env::var("TMUX_PANE").ok()?.parse().ok();
    }
    tidemux_client::caller_pane(socket)
}

fn err(msg: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "{msg}");
    ExitCode::from(1)
}

/// Whether the process listening on `socket` is a real tmux: its `/proc/PID/exe`, found from
/// the socket's inode in `/proc/net/unix`.
fn real_tmux_on(socket: &Path) -> Option<String> {
    let unix = std::fs::read_to_string("/proc/net/unix").ok()?;
    let want = socket.to_string_lossy();
    let inodes: Vec<String> = unix
        .lines()
        .filter(|l| l.ends_with(&*want))
        .filter_map(|l| l.split_whitespace().nth(6).map(str::to_owned))
        .collect();
    if inodes.is_empty() {
        return None;
    }
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let pid = entry.file_name().to_string_lossy().into_owned();
        if !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            let Ok(link) = std::fs::read_link(fd.path()) else {
                continue;
            };
            let l = link.to_string_lossy();
            if inodes.iter().any(|i| l == format!("socket:[{i}]")) {
                let exe = std::fs::read_link(entry.path().join("exe")).ok()?;
                let base = exe.file_name()?.to_string_lossy().into_owned();
                if base.starts_with("tmux") {
                    return Some(format!("{} (pid {pid})", exe.display()));
                }
                return None;
            }
        }
    }
    None
}

/// Runs the tmux personality with `args` (after the program name).
pub fn main(args: Vec<String>) -> ExitCode {
    let (g, n) = match parse_global(&args) {
        Ok(x) => x,
        Err(e) => return err(&e),
    };
    if g.version {
        let v = std::env::var("TIDEMUX_TMUX_VERSION")
            .ok()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| TMUX_VERSION.into());
        println!("tmux {v}");
        return ExitCode::SUCCESS;
    }
    if let Some(cmd) = &g.shell_command {
        let shell = std::env::var("SHELL")
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "/bin/sh".into());
        return match std::process::Command::new(shell)
            .arg("-c")
            .arg(cmd)
            .status()
        {
            Ok(s) => ExitCode::from(s.code().unwrap_or(1) as u8),
            Err(e) => err(&format!("{cmd}: {e}")),
        };
    }
    let socket = socket_of(&g);
    let mut argv: Vec<String> = args[n..].to_vec();
    if argv.is_empty() {
        argv.push("new-session".into());
    }
    // Parsed here first, as tmux's client does, only to know whether a command starts the
    // server; the server parses again and reports errors.
    let start = table::build(&parse::split_arguments(&argv), None)
        .is_ok_and(|cmds| cmds.iter().any(|c| c.entry.has("startserver")));
    if g.control > 0 {
        return control(&g, &socket, argv, start);
    }
    let mut client = match connect(&g, &socket, start) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let cwd = std::env::current_dir()
        .ok()
        .map(|d| d.to_string_lossy().into_owned());
    // tmux's client reports its terminal's size (new-session sizes an attached session
    // from it).
    let size = {
        use std::io::IsTerminal;
        std::io::stdin()
            .is_terminal()
            .then(tidemux_client::attach::term::size)
    };
    let out = match client.request(Request::Tmux { argv, cwd, size }) {
        Ok(Response::Tmux(o)) => o,
        Ok(Response::Error(e)) => return err(&e.message),
        Ok(other) => return err(&format!("unexpected reply from server: {other:?}")),
        Err(e) => return err(&format!("server exited unexpectedly ({e})")),
    };
    drop(client);
    finish(&socket, out)
}

fn finish(socket: &Path, out: TmuxOutput) -> ExitCode {
    let _ = std::io::stdout().write_all(&out.stdout);
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().write_all(&out.stderr);
    if out.exit_code != 0 {
        return ExitCode::from(out.exit_code.clamp(1, 255) as u8);
    }
    if let Some(session) = out.attach {
        return attach(socket, session, out.attach_flags);
    }
    ExitCode::SUCCESS
}

fn attach(socket: &Path, session: String, flags: Option<String>) -> ExitCode {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        return err("open terminal failed: not a terminal");
    }
    if std::env::var_os("TMUX").is_some_and(|v| !v.is_empty()) {
        return err("sessions should be nested with care, unset $TMUX to force");
    }
    let opts = tidemux_client::attach::AttachOptions {
        target: Some(session),
        read_only: false,
        flags,
        prefix: None,
    };
    match tidemux_client::attach::attach(socket, &opts) {
        Ok(exit) => {
            println!("{}", exit.message());
            exit.finish();
            ExitCode::SUCCESS
        }
        Err(e) => err(&e.to_string()),
    }
}

/// Connects (starting a server in tmux mode when a command needs one).
fn connect(g: &Global, socket: &Path, start: bool) -> Result<Client, ExitCode> {
    let caller = caller(socket);
    let no_server = || {
        if let Some(t) = real_tmux_on(socket) {
            return err(&format!(
                "a real tmux server ({t}) is running on {}: tidemux cannot talk to it; use another socket (-L NAME) or stop that server",
                socket.display()
            ));
        }
        // tmux's client: ENOENT and ECONNREFUSED are told apart.
        if socket.exists() {
            err(&format!("no server running on {}", socket.display()))
        } else {
            err(&format!(
                "error connecting to {} (No such file or directory)",
                socket.display()
            ))
        }
    };
    if !start {
        return match Client::connect(socket, caller) {
            Ok(c) => Ok(c),
            Err(ClientError::NoServer(_)) => Err(no_server()),
            Err(e) => Err(connect_error(&e)),
        };
    }
    if let Some(dir) = socket.parent() {
        if !dir.as_os_str().is_empty() && !dir.exists() {
            use std::os::unix::fs::DirBuilderExt;
            let _ = std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir);
        }
    }
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => return Err(err(&format!("cannot find own executable: {e}"))),
    };
    let mut server_args: Vec<OsString> = vec!["--tmux".into()];
    for f in &g.config {
        server_args.push("--tmux-config".into());
        let p = Path::new(f);
        let abs = if p.is_absolute() {
            p.to_owned()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        server_args.push(abs.into());
    }
    tidemux_client::autostart::connect_or_start_with(socket, caller, &exe, &server_args)
        .map_err(|e| connect_error(&e))
}

/// A connection failure, reported as one line. A server of another protocol version runs this
/// command line with its own binary instead (the mismatch fallback of the scripting CLI, issue
/// 16, `docs/continuity.md`), so a `tmux` shim of a newer tidemux keeps working with an older
/// server; this returns only when that is not possible.
fn connect_error(e: &ClientError) -> ExitCode {
    if let ClientError::VersionMismatch {
        client,
        server,
        server_pid,
        ..
    } = e
    {
        let why = crate::fallback::rerun_with_server_binary(*server_pid, *client, *server);
        return err(&format!("{e}{why}"));
    }
    err(&e.to_string())
}

/// Control mode (`-C`, `-CC`): commands from stdin, one per line, to the server; what the
/// server streams back (blocks and notifications) to stdout, until `%exit`. `-CC` also wraps
/// the output in the DCS sequence iTerm2 expects (`ESC P 1000 p` ... `ESC \`).
fn control(g: &Global, socket: &Path, argv: Vec<String>, start: bool) -> ExitCode {
    use std::io::BufRead;
    let mut client = match connect(g, socket, start) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut sender = match client.sender() {
        Ok(s) => s,
        Err(e) => return err(&e.to_string()),
    };
    let cwd = std::env::current_dir()
        .ok()
        .map(|d| d.to_string_lossy().into_owned());
    let dcs = g.control > 1;
    let mut stdout = std::io::stdout();
    if dcs {
        let _ = stdout.write_all(b"\x1bP1000p");
        let _ = stdout.flush();
    }
    // Input starts once the server runs the control client (its first output arrived).
    let (go, started) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        if started.recv().is_err() {
            return;
        }
        let stdin = std::io::stdin();
        for line in stdin.lock().lines() {
            let Ok(line) = line else { break };
            // tmux: an empty line in control mode detaches the client.
            let close = line.is_empty();
            if sender
                .send(Request::TmuxControlInput { line, close })
                .is_err()
                || close
            {
                return;
            }
        }
        let _ = sender.send(Request::TmuxControlInput {
            line: String::new(),
            close: true,
        });
    });
    let mut failed = false;
    let terminal = tidemux_proto::ClientTerminal {
        tty: None,
        term: std::env::var("TERM").ok(),
        pid: Some(std::process::id()),
    };
    let request = Request::TmuxControl {
        argv,
        cwd,
        terminal,
    };
    let r = client.stream_shared(request, |own, resp| match resp {
        Response::Bytes(b) => {
            let _ = go.send(());
            let exit = b.ends_with(b"%exit\n");
            let _ = stdout.write_all(&b);
            let _ = stdout.flush();
            !exit
        }
        Response::Error(e) => {
            let _ = writeln!(std::io::stderr(), "{}", e.message);
            failed = own;
            !own
        }
        _ => true,
    });
    if dcs {
        let _ = stdout.write_all(b"\x1b\\");
        let _ = stdout.flush();
    }
    match r {
        Ok(()) if !failed => ExitCode::SUCCESS,
        Ok(()) => ExitCode::from(1),
        Err(e) => err(&e.to_string()),
    }
}

/// `tidemux install-tmux-shim DIR`: a `tmux` symlink to this binary in DIR.
pub fn install_shim(dir: &Path) -> Result<(), crate::output::Failure> {
    use crate::output::Failure;
    let exe = std::env::current_exe()
        .map_err(|e| Failure::new("failed", format!("cannot find own executable: {e}")))?;
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure::new("failed", format!("cannot create {}: {e}", dir.display())))?;
    let link = dir.join("tmux");
    if let Ok(meta) = std::fs::symlink_metadata(&link) {
        let ours = std::fs::read_link(&link).is_ok_and(|t| t == exe);
        if ours {
            println!("{}", link.display());
            return Ok(());
        }
        if !meta.file_type().is_symlink() {
            return Err(Failure::new(
                "invalid",
                format!(
                    "{} exists and is not a link to tidemux; remove it first",
                    link.display()
                ),
            ));
        }
        std::fs::remove_file(&link).map_err(|e| {
            Failure::new("failed", format!("cannot replace {}: {e}", link.display()))
        })?;
    }
    std::os::unix::fs::symlink(&exe, &link)
        .map_err(|e| Failure::new("failed", format!("cannot create {}: {e}", link.display())))?;
    println!("{}", link.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(args: &[&str]) -> Result<(Global, usize), String> {
        parse_global(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn global_flags() {
        let (x, n) = g(&["-Lwork", "-f", "a.conf", "ls"]).unwrap();
        assert_eq!((x.socket_name.as_deref(), n), (Some("work"), 3));
        assert_eq!(x.config, vec!["a.conf"]);
        let (x, n) = g(&["-CC", "-uv2", "-S/tmp/s", "new"]).unwrap();
        assert_eq!(
            (x.control, x.socket_path.as_deref(), n),
            (2, Some("/tmp/s"), 3)
        );
        let (x, _) = g(&["-L", "a", "-L", "b"]).unwrap();
        assert_eq!(x.socket_name.as_deref(), Some("b"));
        let (x, n) = g(&["-V"]).unwrap();
        assert!(x.version && n == 1);
        assert!(g(&["-Z"])
            .unwrap_err()
            .starts_with("tmux: unknown option -- Z\nusage: tmux"));
        assert!(g(&["-L"])
            .unwrap_err()
            .starts_with("tmux: option requires an argument -- L"));
        let (_, n) = g(&["--", "-x"]).unwrap();
        assert_eq!(n, 1);
    }
}
