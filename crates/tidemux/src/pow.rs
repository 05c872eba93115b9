// `pow(3)` defined in the binary, so that it needs no `libm.so.6` (issue 9, CLI start-up).
//
// tokio's multi-thread worker is the only caller of a libm function in the whole program
// (`f64::powf` in its poll-time average, which compiles to a call of `pow`). That one call
// made every start of every command map and relocate libm (about 0.1 ms of a 1 ms one-shot
// command; see crates/tidemux/build.rs for the measurement, which also drops libgcc_s). With
// `pow` defined here, the linker resolves the call to this function and, linking with
// `--as-needed`, leaves libm out. The implementation is the `libm` crate's (a port of musl's,
// correctly rounded within 1 ulp, special cases as C99 Annex F).

/// C's `pow(x, y)`: `x` raised to the power `y`.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[no_mangle]
pub extern "C" fn pow(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}

#[cfg(test)]
mod tests {
    /// The definition is the one `f64::powf` calls in this binary's tests too; it agrees
    /// with exact values and C99's special cases.
    #[test]
    fn pow_is_c_pow() {
        assert_eq!(2f64.powf(10.0), 1024.0);
        assert_eq!(0.5f64.powf(3.0), 0.125);
        assert_eq!(9f64.powf(0.5), 3.0);
        assert_eq!(f64::NAN.powf(0.0), 1.0);
        assert_eq!(1f64.powf(f64::NAN), 1.0);
        assert!((-8f64).powf(1.0 / 3.0).is_nan());
        assert_eq!(0f64.powf(-1.0), f64::INFINITY);
        let x = 0.9f64.powf(37.0);
        assert!((x - 0.020_275_559_590_445_2).abs() < 1e-15, "{x}");
    }
}
