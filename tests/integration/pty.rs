//! A real terminal for the real binary, with nothing installed but Rust: the app runs in a
//! pseudo-terminal (`portable-pty`), its output feeds an in-memory screen (`vt100`), and the
//! test types keys and waits for text, as a person at a terminal would.
//!
//! The wait timeout is `CLOUDPREP_PTY_TIMEOUT_SECS` (default 20 s), for slow machines.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

use crate::util::fixtures;

fn timeout() -> Duration {
    let s = std::env::var("CLOUDPREP_PTY_TIMEOUT_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    Duration::from_secs(s)
}

/// How the app ended: its exit code, or the signal that ended it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exit {
    pub code: u32,
    pub signal: Option<String>,
}

/// The app in a pseudo-terminal. Dropping it kills the app if it still runs.
pub struct Pty {
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Option<Box<dyn Write + Send>>,
    child: Box<dyn Child + Send + Sync>,
    master: Option<Box<dyn MasterPty + Send>>,
    closing: Arc<AtomicBool>,
    exit: Option<Exit>,
}

/// The default environment of a test run: no colour, and none of the developer's own data.
fn base_command(args: &[&str]) -> CommandBuilder {
    let mut c = CommandBuilder::new(env!("CARGO_BIN_EXE_cloudprep"));
    c.args(args);
    c.env("NO_COLOR", "1");
    c.env("TERM", "xterm-256color");
    c.env_remove("CLOUDPREP_DB");
    c.env_remove("CLOUDPREP_CONTENT");
    c.env("XDG_DATA_HOME", "/nonexistent/cloudprep-tests/data");
    c.env("XDG_CONFIG_HOME", "/nonexistent/cloudprep-tests/config");
    c.env("XDG_CACHE_HOME", "/nonexistent/cloudprep-tests/cache");
    c
}

/// Arguments for the app on the small fixture pack with the database `db`, then `rest`.
pub fn fixture_args<'a>(db: &'a Path, rest: &[&'a str]) -> Vec<String> {
    let mut v = vec![
        "--db".to_string(),
        db.display().to_string(),
        "--content".to_string(),
        fixtures().join("valid").display().to_string(),
        "--exam".to_string(),
        "TST-C01".to_string(),
    ];
    v.extend(rest.iter().map(|s| s.to_string()));
    v
}

impl Pty {
    /// Starts the app with `args` in a 100x30 terminal.
    pub fn start(args: &[String]) -> Pty {
        Pty::start_with(args, &[], 100, 30)
    }

    /// Starts the app with `args` and extra environment `env` in a `cols`x`rows` terminal.
    pub fn start_with(args: &[String], env: &[(&str, &str)], cols: u16, rows: u16) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pseudo-terminal");
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut cmd = base_command(&argv);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn the app in the terminal");
        drop(pair.slave);
        let nz = |n: u16| std::num::NonZeroU16::new(n).expect("a terminal of at least 1x1");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(nz(rows), nz(cols), 0)));
        // The reader is a duplicate of the master that this side owns and polls with a timeout,
        // so that `hang_up` can close every handle on the master (the kernel hangs up the tty
        // only then) without waiting for the app to write.
        let raw = pair.master.as_raw_fd().expect("the master's fd");
        // SAFETY: `raw` is the master's open fd, which `pair.master` keeps open for this call.
        let borrowed = unsafe { std::os::fd::BorrowedFd::borrow_raw(raw) };
        let mut reader = std::fs::File::from(rustix::io::dup(borrowed).expect("dup the master"));
        let writer = pair.master.take_writer().expect("terminal writer");
        let sink = parser.clone();
        let closing = Arc::new(AtomicBool::new(false));
        let stop = closing.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while !stop.load(Ordering::Relaxed) {
                let mut fds = [rustix::event::PollFd::new(&reader, rustix::event::PollFlags::IN)];
                let timeout = rustix::event::Timespec {
                    tv_sec: 0,
                    tv_nsec: 20_000_000,
                };
                match rustix::event::poll(&mut fds, Some(&timeout)) {
                    Ok(0) => continue,
                    Ok(_) => {}
                    Err(rustix::io::Errno::INTR) => continue,
                    Err(_) => break,
                }
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if let Ok(mut p) = sink.lock() {
                            p.process(&buf[..n]);
                        }
                    }
                }
            }
        });
        Pty {
            parser,
            writer: Some(writer),
            child,
            master: Some(pair.master),
            closing,
            exit: None,
        }
    }

    /// The screen's text, one line per row.
    pub fn screen(&self) -> String {
        self.parser.lock().map(|p| p.screen().contents()).unwrap_or_default()
    }

    /// Whether the app has the terminal on its alternate screen.
    pub fn alternate_on(&self) -> bool {
        self.parser
            .lock()
            .map(|p| p.screen().alternate_screen())
            .unwrap_or(false)
    }

    /// Waits until the screen shows `text`; panics with the screen after the timeout.
    pub fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            if start.elapsed() > timeout() {
                panic!("timed out waiting for {text:?}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Types raw bytes.
    pub fn send(&mut self, bytes: &[u8]) {
        let w = self.writer.as_mut().expect("the terminal is open");
        w.write_all(bytes).expect("write to the terminal");
        w.flush().expect("flush the terminal");
    }

    /// Types each key in turn, with a pause between them as a person would: a name (`Enter`,
    /// `Escape`, `Up`, `Down`, `Left`, `Right`, `Space`, `BSpace`, `Tab`, `Home`, `End`,
    /// `C-<letter>`) or literal text.
    pub fn keys(&mut self, keys: &[&str]) {
        for k in keys {
            let bytes = key_bytes(k);
            self.send(&bytes);
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    /// The app's process id.
    pub fn pid(&self) -> i32 {
        self.child
            .process_id()
            .and_then(|p| i32::try_from(p).ok())
            .expect("the app's pid")
    }

    /// Sends a signal to the app.
    pub fn signal(&self, sig: rustix::process::Signal) {
        let pid = rustix::process::Pid::from_raw(self.pid()).expect("a pid");
        rustix::process::kill_process(pid, sig).expect("send the signal");
    }

    /// Waits for the app to exit (timeout as for `wait_for`) and says how it ended.
    pub fn wait_exit(&mut self) -> Exit {
        if let Some(e) = &self.exit {
            return e.clone();
        }
        let start = Instant::now();
        loop {
            if let Some(st) = self.child.try_wait().expect("wait for the app") {
                let e = Exit {
                    code: st.exit_code(),
                    signal: st.signal().map(str::to_string),
                };
                // Let the reader take in the last bytes the app wrote.
                std::thread::sleep(Duration::from_millis(100));
                self.exit = Some(e.clone());
                return e;
            }
            if start.elapsed() > timeout() {
                panic!("the app did not exit in time; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Closes the terminal, as closing its window does: the kernel hangs up the app's tty.
    pub fn hang_up(&mut self) {
        self.closing.store(true, Ordering::Relaxed);
        self.writer = None;
        self.master = None;
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if self.exit.is_none() && matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        self.closing.store(true, Ordering::Relaxed);
    }
}

fn key_bytes(k: &str) -> Vec<u8> {
    match k {
        "Enter" => b"\r".to_vec(),
        "Escape" => b"\x1b".to_vec(),
        "Up" => b"\x1b[A".to_vec(),
        "Down" => b"\x1b[B".to_vec(),
        "Right" => b"\x1b[C".to_vec(),
        "Left" => b"\x1b[D".to_vec(),
        "Home" => b"\x1b[H".to_vec(),
        "End" => b"\x1b[F".to_vec(),
        "Space" => b" ".to_vec(),
        "BSpace" => b"\x7f".to_vec(),
        "Tab" => b"\t".to_vec(),
        _ => match k.strip_prefix("C-").map(str::as_bytes) {
            Some([c]) if c.is_ascii_alphabetic() => vec![c.to_ascii_lowercase() - b'a' + 1],
            _ => k.as_bytes().to_vec(),
        },
    }
}

#[test]
fn keys_map_to_the_bytes_a_terminal_sends() {
    assert_eq!(key_bytes("C-c"), vec![3]);
    assert_eq!(key_bytes("C-U"), vec![21]);
    assert_eq!(key_bytes("Enter"), b"\r".to_vec());
    assert_eq!(key_bytes("abc"), b"abc".to_vec());
}
