//! The cloudprep binary: parse the command line, run, map errors to exit codes.

use clap::Parser;

fn main() {
    let cli = cloudprep::cli::Cli::parse();
    let code = match cloudprep::run(cli) {
        Ok(code) => code,
        Err(e) => {
            // User errors are their own message; anything else gets its causes on one line.
            match e.downcast_ref::<cloudprep::commands::UserError>() {
                Some(u) => eprintln!("cloudprep: {u}"),
                None => eprintln!("cloudprep: {e:#}"),
            }
            1
        }
    };
    std::process::exit(code);
}
