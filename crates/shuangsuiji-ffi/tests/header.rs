//! The committed header `include/shuangsuiji.h` is exactly what the pinned cbindgen makes of
//! this crate, and its version macros are the crate's version.
//!
//! `SSJ_BLESS=1 cargo test -p shuangsuiji-ffi --test header` rewrites the header.

#![allow(unsafe_code)] // reads the C string ssj_version() returns

use std::path::{Path, PathBuf};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn header_path() -> PathBuf {
    crate_dir().join("../../include/shuangsuiji.h")
}

fn version_macros() -> String {
    format!(
        "\n/* The version of this header; compare with ssj_version() at run time. */\n\
         #define SSJ_VERSION \"{}\"\n#define SSJ_VERSION_MAJOR {}\n#define SSJ_VERSION_MINOR {}\n\
         #define SSJ_VERSION_PATCH {}\n",
        env!("CARGO_PKG_VERSION"),
        env!("CARGO_PKG_VERSION_MAJOR"),
        env!("CARGO_PKG_VERSION_MINOR"),
        env!("CARGO_PKG_VERSION_PATCH"),
    )
}

fn generate() -> String {
    let dir = crate_dir();
    let mut config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("cbindgen.toml");
    config.after_includes = Some(version_macros());
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(dir.join("src/lib.rs"))
        .generate()
        .expect("cbindgen");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("UTF-8 header")
}

#[test]
fn header_is_generated_and_committed() {
    let fresh = generate();
    let path = header_path();
    if std::env::var_os("SSJ_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != fresh {
        let diff_at = committed
            .lines()
            .zip(fresh.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(committed.lines().count().min(fresh.lines().count()));
        panic!(
            "{} is not what cbindgen generates (first difference at line {}); regenerate it with \
             `SSJ_BLESS=1 cargo test -p shuangsuiji-ffi --test header` and commit it",
            path.display(),
            diff_at + 1
        );
    }
}

#[test]
fn version_macros_match_cargo_toml() {
    let header = std::fs::read_to_string(header_path()).unwrap();
    let define = |name: &str| -> String {
        let prefix = format!("#define {name} ");
        header
            .lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("{name} missing from the header"))
            .trim()
            .to_owned()
    };
    assert_eq!(
        define("SSJ_VERSION"),
        format!("\"{}\"", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(define("SSJ_VERSION_MAJOR"), env!("CARGO_PKG_VERSION_MAJOR"));
    assert_eq!(define("SSJ_VERSION_MINOR"), env!("CARGO_PKG_VERSION_MINOR"));
    assert_eq!(define("SSJ_VERSION_PATCH"), env!("CARGO_PKG_VERSION_PATCH"));
    // The library reports the same version at run time.
    let loaded = unsafe { std::ffi::CStr::from_ptr(shuangsuiji_ffi::ssj_version()) };
    assert_eq!(loaded.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
}

#[test]
fn header_path_is_the_documented_one() {
    assert!(Path::new(&header_path()).ends_with("include/shuangsuiji.h"));
}
