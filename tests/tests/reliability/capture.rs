//! Captures, for this whole test binary, what the functions log: the same
//! JSON format as in Lambda (`shared::telemetry::json_subscriber`), written
//! to a buffer instead of stdout.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

#[derive(Clone, Default)]
pub struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The binary's one subscriber: a global default can be set only once, and
/// tests run on many threads, so every test shares it.
fn buffer() -> &'static Buffer {
    static BUFFER: OnceLock<Buffer> = OnceLock::new();
    BUFFER.get_or_init(|| {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        tracing::subscriber::set_global_default(shared::telemetry::json_subscriber(move || {
            writer.clone()
        }))
        .expect("no other subscriber in this test binary");
        buffer
    })
}

/// Starts capturing (idempotent); call before the code under test runs.
pub fn start() {
    buffer();
}

/// Everything logged so far by any test in this binary.
pub fn logged() -> String {
    String::from_utf8_lossy(&buffer().0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
}
