//! Wayland windows with a known app id and title, each its own process (this test binary
//! again, running the ignored [`window_child`]), so each has a pid of its own as a real app
//! does.
//!
//! Debian 12's foot 1.13 cannot be used on KWin's virtual output: KWin reports the output's
//! physical size as -1 mm, and foot divides by the size in whole inches (0), dying of SIGFPE
//! before it maps a window. The child here is the smallest xdg-shell client: a toplevel
//! with one black buffer, answering pings, taking `title <text>` lines on stdin, and gone
//! (its window closed) when stdin closes.

use super::desktop::{KwinDesktop, STEP_TIMEOUT};
use std::io::{BufRead, BufReader, Write};
use std::os::fd::AsFd;
use std::process::{Child, ChildStdin, Command, Stdio};
use wayland_client::globals::{registry_queue_init, GlobalListContents};
use wayland_client::protocol::{wl_buffer, wl_compositor, wl_registry, wl_shm, wl_shm_pool, wl_surface};
use wayland_client::{delegate_noop, Connection, Dispatch, QueueHandle};
use wayland_protocols::xdg::shell::client::{xdg_surface, xdg_toplevel, xdg_wm_base};

const CHILD_ENV: &str = "MAST_KWIN_WINDOW";

pub struct TestWindow {
    child: Child,
    stdin: Option<ChildStdin>,
    pub pid: u32,
}

impl TestWindow {
    /// Opens a window on `desktop` and waits until it is mapped.
    pub fn open(desktop: &KwinDesktop, app_id: &str, title: &str) -> TestWindow {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["kwin::window::window_child", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
            .env("WAYLAND_DISPLAY", desktop.wayland_display())
            .env("XDG_RUNTIME_DIR", desktop.runtime_dir())
            .env(CHILD_ENV, format!("{app_id}\n{title}"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let pid = child.id();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            // libtest prints its own lines first, and "test … ... " before the child's line.
            // Read to the end, so the child never writes into a closed pipe.
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line.ends_with("window-ready") {
                    let _ = tx.send(true);
                }
            }
            let _ = tx.send(false);
        });
        let ready = rx.recv_timeout(STEP_TIMEOUT).unwrap_or(false);
        if !ready {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the window {app_id} did not open: {}", desktop.log());
        }
        TestWindow { stdin: child.stdin.take(), child, pid }
    }

    pub fn set_title(&mut self, title: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "title {title}").unwrap();
        stdin.flush().unwrap();
    }

    /// Closes the window by ending its process's connection.
    pub fn close(mut self) {
        self.stdin.take();
        let _ = self.child.wait();
    }
}

impl Drop for TestWindow {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The window side of [`TestWindow`]; run only by it, in a child process.
#[test]
#[ignore = "run by the KWin tests in a child process, as a Wayland client"]
fn window_child() {
    let spec = std::env::var(CHILD_ENV).expect("run by the KWin tests only");
    let (app_id, title) = spec.split_once('\n').unwrap();
    let conn = Connection::connect_to_env().expect("connect to KWin's Wayland socket");
    let (globals, mut queue) = registry_queue_init::<Client>(&conn).unwrap();
    let qh = queue.handle();
    let compositor: wl_compositor::WlCompositor = globals.bind(&qh, 1..=4, ()).unwrap();
    let shm: wl_shm::WlShm = globals.bind(&qh, 1..=1, ()).unwrap();
    let base: xdg_wm_base::XdgWmBase = globals.bind(&qh, 1..=2, ()).unwrap();
    let surface = compositor.create_surface(&qh, ());
    let xdg = base.get_xdg_surface(&surface, &qh, ());
    let toplevel = xdg.get_toplevel(&qh, ());
    toplevel.set_app_id(app_id.into());
    toplevel.set_title(title.into());
    surface.commit();
    let mut client = Client { configured: false };
    while !client.configured {
        queue.blocking_dispatch(&mut client).unwrap();
    }
    let (width, height) = (160, 100);
    let fd = rustix::fs::memfd_create("mast-test-window", rustix::fs::MemfdFlags::CLOEXEC).unwrap();
    rustix::fs::ftruncate(&fd, (width * height * 4) as u64).unwrap();
    let pool = shm.create_pool(fd.as_fd(), width * height * 4, &qh, ());
    let buffer = pool.create_buffer(0, width, height, width * 4, wl_shm::Format::Xrgb8888, &qh, ());
    surface.attach(Some(&buffer), 0, 0);
    surface.commit();
    queue.roundtrip(&mut client).unwrap();
    println!("window-ready");

    // Titles arrive on stdin; proxies may be used from any thread. EOF ends the process, and
    // with it the connection, which closes the window.
    let commands = std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if let Some(title) = line.strip_prefix("title ") {
                toplevel.set_title(title.into());
                surface.commit();
                let _ = conn.flush();
            }
        }
        std::process::exit(0);
    });
    // Until KWin goes away; then there is nothing left to do.
    while queue.blocking_dispatch(&mut client).is_ok() {}
    drop(commands);
    std::process::exit(0);
}

struct Client {
    configured: bool,
}

impl Dispatch<wl_registry::WlRegistry, GlobalListContents> for Client {
    fn event(
        _: &mut Self,
        _: &wl_registry::WlRegistry,
        _: wl_registry::Event,
        _: &GlobalListContents,
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
    }
}

impl Dispatch<xdg_wm_base::XdgWmBase, ()> for Client {
    fn event(
        _: &mut Self,
        base: &xdg_wm_base::XdgWmBase,
        event: xdg_wm_base::Event,
        _: &(),
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
        if let xdg_wm_base::Event::Ping { serial } = event {
            base.pong(serial);
        }
    }
}

impl Dispatch<xdg_surface::XdgSurface, ()> for Client {
    fn event(
        client: &mut Self,
        xdg: &xdg_surface::XdgSurface,
        event: xdg_surface::Event,
        _: &(),
        _: &Connection,
        _: &QueueHandle<Self>,
    ) {
        if let xdg_surface::Event::Configure { serial } = event {
            xdg.ack_configure(serial);
            client.configured = true;
        }
    }
}

delegate_noop!(Client: ignore wl_compositor::WlCompositor);
delegate_noop!(Client: ignore wl_surface::WlSurface);
delegate_noop!(Client: ignore wl_shm::WlShm);
delegate_noop!(Client: ignore wl_shm_pool::WlShmPool);
delegate_noop!(Client: ignore wl_buffer::WlBuffer);
delegate_noop!(Client: ignore xdg_toplevel::XdgToplevel);

/// The interfaces KWin offers an ordinary client, by name.
pub fn globals(desktop: &KwinDesktop) -> Vec<String> {
    let socket = desktop.runtime_dir().join(desktop.wayland_display());
    let stream = std::os::unix::net::UnixStream::connect(socket).unwrap();
    let conn = Connection::from_socket(stream).unwrap();
    let (globals, _queue) = registry_queue_init::<Client>(&conn).unwrap();
    globals.contents().clone_list().into_iter().map(|g| g.interface).collect()
}
