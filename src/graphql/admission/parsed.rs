//! The parsed-document cache: documents that passed admission, remembered by their text.

use async_graphql::parser::types::ExecutableDocument;
use std::sync::Mutex;

/// Documents already parsed, by their text: front ends send the same few documents over and
/// over, and parsing one was a twelfth of a profile request's time (docs/benchmarks.md).
/// Only documents that passed the checks are kept, and only short ones.
pub(super) struct ParsedDocuments(Option<Mutex<lru::LruCache<String, ExecutableDocument>>>);

/// Longer documents are parsed every time: a cache entry holds the text and its tree.
pub(super) const MAX_CACHED_DOCUMENT: usize = 16 * 1024;

impl ParsedDocuments {
    pub(super) fn new(entries: usize) -> Self {
        ParsedDocuments(
            std::num::NonZeroUsize::new(entries).map(|n| Mutex::new(lru::LruCache::new(n))),
        )
    }

    pub(super) fn lock(
        &self,
    ) -> Option<std::sync::MutexGuard<'_, lru::LruCache<String, ExecutableDocument>>> {
        self.0
            .as_ref()
            .map(|m| m.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// Gives `request` its parsed document when this text was seen; whether it was.
    pub(super) fn reuse(&self, request: &mut async_graphql::Request) -> bool {
        let Some(mut cache) = self.lock() else {
            return false;
        };
        match cache.get(&request.query) {
            Some(document) => {
                request.set_parsed_query(document.clone());
                true
            }
            None => false,
        }
    }

    pub(super) fn keep(&self, text: String, document: &ExecutableDocument) {
        if text.len() > MAX_CACHED_DOCUMENT {
            return;
        }
        if let Some(mut cache) = self.lock() {
            cache.put(text, document.clone());
        }
    }
}
