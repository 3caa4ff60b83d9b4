//! The `nunchi` command (being built).
fn main() {}
