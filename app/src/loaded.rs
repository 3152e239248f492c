//! The console's loading state: `Loaded<T>` is shaped like Leptos' `LocalResource` — made from a
//! fetcher (`load`), read with `get()` / `get_untracked()` as `Option<ApiResult<T>>` (`None`
//! while loading), loaded again when a signal the fetcher reads changes or on `refetch()` — so
//! Leptos' documentation of resources applies. Inside, every `Loaded` stores its answer
//! type-erased in one signal type, so the framework's signal and effect code is compiled once
//! rather than once per screen's type (the console's size budget); the type parameter makes the
//! erasure invisible: a `Loaded<T>` only ever holds a `T`.

use leptos::prelude::*;

use crate::api::{ApiResult, Call, Request};

/// A loaded value with its type erased: every `Loaded` shares one signal type, so the
/// framework's signal code is compiled once rather than once per screen's type.
type Erased = std::sync::Arc<dyn std::any::Any + Send + Sync>;

type Slot = RwSignal<Option<ApiResult<Erased>>>;

/// The answer of a call a screen shows, loaded again whenever a signal the fetch reads changes
/// (search, page, filters) or on `refetch`. Only the newest call's answer is kept. (Lighter
/// than `LocalResource`: the console's size budget counts every generic instantiation.)
pub struct Loaded<T> {
    data: Slot,
    trigger: Trigger,
    generation: StoredValue<u32>,
    kind: std::marker::PhantomData<fn() -> T>,
}

impl<T> Clone for Loaded<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Loaded<T> {}

impl<T: Clone + 'static> Loaded<T> {
    pub fn get(self) -> Option<ApiResult<T>> {
        typed(self.data.get())
    }

    pub fn get_untracked(self) -> Option<ApiResult<T>> {
        typed(self.data.get_untracked())
    }
}

/// The stored answer as the type its `Loaded` was made for (never anything else).
fn typed<T: Clone + 'static>(answer: Option<ApiResult<Erased>>) -> Option<ApiResult<T>> {
    match answer? {
        Ok(value) => value.downcast_ref::<T>().cloned().map(Ok),
        Err(failure) => Some(Err(failure)),
    }
}

impl<T> Loaded<T> {
    pub fn refetch(self) {
        self.trigger.notify();
    }

    fn empty() -> Self {
        Loaded {
            data: RwSignal::new(None),
            trigger: Trigger::new(),
            generation: StoredValue::new(0),
            kind: std::marker::PhantomData,
        }
    }
}

/// Numbers each call, so only the newest one's answer is kept.
fn next_ticket(generation: StoredValue<u32>) -> u32 {
    let mut ticket = 0;
    generation.update_value(|generation| {
        *generation = generation.wrapping_add(1);
        ticket = *generation;
    });
    ticket
}

/// Keeps an answer if it is the newest call's.
fn store(slot: Slot, generation: StoredValue<u32>, ticket: u32, answer: ApiResult<Erased>) {
    if generation.try_get_value() == Some(ticket) {
        slot.try_set(Some(answer));
    }
}

pub fn load<T: Send + Sync + 'static>(call: impl Fn() -> Call<T> + 'static) -> Loaded<T> {
    let loaded = Loaded::<T>::empty();
    let (slot, generation) = (loaded.data, loaded.generation);
    effect(Box::new(move || {
        loaded.trigger.track();
        let (request, read) = call().into_parts();
        let ticket = next_ticket(generation);
        // Only reading the answer is generic; sending and storing are compiled once.
        spawn_call(
            request,
            Box::new(move |answer| {
                let value = answer
                    .and_then(read)
                    .map(|value| std::sync::Arc::new(value) as Erased);
                store(slot, generation, ticket, value);
            }),
        );
    }));
    loaded
}

/// A "loaded" value computed here rather than fetched (choices known in advance); computed
/// again when a signal it reads changes (the language).
pub fn computed<T: Send + Sync + 'static>(value: impl Fn() -> T + 'static) -> Loaded<T> {
    let loaded = Loaded::<T>::empty();
    let slot = loaded.data;
    effect(Box::new(move || {
        slot.set(Some(Ok(std::sync::Arc::new(value()) as Erased)));
    }));
    loaded
}

/// Sends a request and hands its answer over: the one async path every load shares.
fn spawn_call(request: Request, deliver: Box<dyn FnOnce(ApiResult<String>)>) {
    leptos::task::spawn_local(async move {
        deliver(request.send().await);
    });
}

/// One effect type for every loader: the framework's effect code is compiled once.
fn effect(run: Box<dyn Fn()>) {
    Effect::new(move |_| run());
}
