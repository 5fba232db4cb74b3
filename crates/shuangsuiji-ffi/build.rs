//! Gives the shared library the name it is installed under, so a program linked with
//! `-lshuangsuiji` records `libshuangsuiji.so.<major>` whatever Cargo called the file.

fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libshuangsuiji.so.{major}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
