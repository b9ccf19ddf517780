//! Request bodies read frame by frame, so a 100 MB upload is never held
//! twice and an oversized one is refused at the first byte past the cap.

use axum::body::{Body, Bytes, HttpBody};

/// The next data chunk, `None` at the end; trailers are skipped.
pub async fn next_chunk(body: &mut Body) -> Option<Result<Bytes, axum::Error>> {
    loop {
        let frame =
            std::future::poll_fn(|cx| std::pin::Pin::new(&mut *body).poll_frame(cx)).await?;
        match frame {
            Ok(frame) => {
                if let Ok(data) = frame.into_data() {
                    return Some(Ok(data));
                }
            }
            Err(err) => return Some(Err(err)),
        }
    }
}

#[derive(Debug)]
pub enum ReadError {
    TooLarge,
    Broken(String),
}

/// The whole body, or `TooLarge` as soon as it passes `cap` bytes.
pub async fn read_capped(mut body: Body, cap: usize) -> Result<Bytes, ReadError> {
    let mut out = Vec::new();
    while let Some(chunk) = next_chunk(&mut body).await {
        let chunk = chunk.map_err(|err| ReadError::Broken(err.to_string()))?;
        if out.len() + chunk.len() > cap {
            return Err(ReadError::TooLarge);
        }
        out.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(out))
}
