//! Receives the simulator's status webhooks instead of our webhook, so the
//! run can hand them to the webhook later, shuffled and repeated. The order
//! they arrive in is the order Meta (the simulator) reported them: the last
//! status of a wamid is its true final status.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use graph_simulator::RunningSimulator;
use serde_json::Value;

pub struct Collector {
    pub url: String,
    received: Arc<Mutex<Vec<Value>>>,
}

pub async fn start() -> Collector {
    let received: Arc<Mutex<Vec<Value>>> = Arc::default();
    let sink = Arc::clone(&received);
    let app = axum::Router::new().route(
        "/webhook",
        axum::routing::post(move |body: Bytes| {
            let sink = Arc::clone(&sink);
            async move {
                if let Ok(v) = serde_json::from_slice(&body) {
                    sink.lock().expect("collector").push(v);
                }
                axum::http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind collector");
    let addr = listener.local_addr().expect("collector address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Collector {
        url: format!("http://{addr}/webhook"),
        received,
    }
}

impl Collector {
    /// Everything received, once the simulator has no webhook left to post.
    pub async fn settled(&self, sim: &RunningSimulator) -> Vec<Value> {
        for _ in 0..600 {
            let w = sim.stats().webhooks;
            let have = self.received.lock().expect("collector").len() as u64;
            if w.posted == w.delivered + w.gave_up && have == w.delivered {
                tokio::time::sleep(Duration::from_millis(300)).await;
                if sim.stats().webhooks == w {
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.received.lock().expect("collector").clone()
    }
}
