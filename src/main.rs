//! The cloudprep binary: parse the command line, run, map errors to exit codes.

use clap::Parser;

fn main() {
    let cli = cloudprep::cli::Cli::parse();
    let code = match cloudprep::run(cli) {
        Ok(code) => code,
        Err(e) => {
            // One line (a user error) or the error with its causes: see `Error::report`.
            eprintln!("cloudprep: {}", e.report());
            e.exit_code()
        }
    };
    std::process::exit(code);
}
