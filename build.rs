// The content tree is embedded with include_dir, which cannot tell cargo which files it read:
// rebuild whenever anything under content/ changes.
fn main() {
    println!("cargo:rerun-if-changed=content");
    println!("cargo:rerun-if-changed=migrations");
}
