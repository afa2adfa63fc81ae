//! Tests against the real embedded CRDs: valid manifests of every needed kind, and invalid
//! ones with the expected API-server-style findings.

mod fixtures;
mod invalid;
mod registry;
mod valid;
