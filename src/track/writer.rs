//! Saving what the tracker closed and the span in progress: the runner's one writer of
//! spans. A write that fails keeps the spans in memory and retries at the next flush; a
//! database found damaged stops the run; a file deleted or replaced under the runner is
//! swapped for a fresh one at the same path.

use super::{Summary, MAX_PENDING};
use crate::model::{Millis, Span};
use crate::store::Store;
use crate::Result;

#[derive(Default)]
pub(super) struct Writer {
    pub(super) pending: Vec<Span>,
    pub(super) last_flush: Millis,
    pub(super) last_error: Option<String>,
    /// The database turned out damaged: the run stops with this.
    pub(super) damaged: Option<crate::Error>,
    /// Spans were committed since [`Writer::take_wrote`] was last asked.
    pub(super) wrote: bool,
}

impl Writer {
    pub(super) fn take_wrote(&mut self) -> bool {
        std::mem::take(&mut self.wrote)
    }

    /// [`Writer::flush`] into the store at its path: a store whose file was deleted or
    /// replaced is swapped for a fresh one first. Fails when no fresh one can be had, or
    /// when the database is damaged: writing on would only add to the damage.
    pub(super) fn save(
        &mut self,
        store: &mut Store,
        open: Option<&Span>,
        now: Millis,
        summary: &mut Summary,
        reopen: &mut dyn FnMut() -> Result<Store>,
    ) -> Result<()> {
        if !store.is_at_its_path() {
            let path = store.path().to_owned();
            match reopen() {
                Ok(fresh) => {
                    tracing::error!(
                        "{} was deleted or replaced while tracking; tracking goes on in a new database there (what \
                         the old one held is gone unless it was backed up)",
                        path.display()
                    );
                    *store = fresh;
                    summary.stores_restarted += 1;
                }
                Err(e) => {
                    return Err(crate::Error::Invalid(format!(
                        "{} was deleted or replaced while tracking, and no new database can be started there ({e}); \
                         tracking stopped, and the last {} s were not saved",
                        path.display(),
                        (now - self.last_flush).max(0) / 1000
                    )))
                }
            }
        }
        self.flush(store, open, now, summary);
        match self.damaged.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    pub(super) fn flush(&mut self, store: &mut Store, open: Option<&Span>, now: Millis, summary: &mut Summary) {
        let open = open.filter(|s| s.duration_ms() > 0);
        let anything = open.is_some() || !self.pending.is_empty();
        let result = match open {
            // The steady case, every few seconds: nothing closed, the open span grew.
            Some(open) if self.pending.is_empty() => store.write_spans(std::slice::from_ref(open)),
            _ => {
                let before = self.pending.len();
                self.pending.extend(open.cloned());
                let result = store.write_spans(&self.pending);
                // The open span is re-read from the tracker next time; only closed ones
                // wait here.
                self.pending.truncate(before);
                result
            }
        };
        self.last_flush = now;
        match result {
            Ok(()) => {
                if self.last_error.take().is_some() {
                    tracing::info!("writing to the database works again; nothing was lost");
                }
                self.pending.clear();
                self.wrote |= anything;
            }
            Err(e) if e.is_damaged_database() => {
                summary.failed_writes += 1;
                tracing::error!("cannot save spans: {e}; tracking stopped");
                self.damaged = Some(e);
            }
            Err(e) => {
                summary.failed_writes += 1;
                let message = e.to_string();
                if self.last_error.as_deref() != Some(message.as_str()) {
                    tracing::error!("cannot save spans: {message}; keeping them in memory and retrying");
                }
                self.last_error = Some(message);
                if self.pending.len() > MAX_PENDING {
                    let drop = self.pending.len() - MAX_PENDING;
                    tracing::error!(dropped = drop, "too many unsaved spans; dropping the oldest");
                    self.pending.drain(..drop);
                }
            }
        }
    }
}
