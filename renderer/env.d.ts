// Vite's ambient types (CSS imports, import.meta.env) for svelte-check.
/// <reference types="vite/client" />
