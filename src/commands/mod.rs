//! The commands: each parses its arguments and calls the pipeline.

pub mod cli;
pub mod scaffold;
pub mod serve;
