"""One OpenBLAS in the bundle instead of two (Linux): scipy's is replaced by a small forwarder to numpy's.

numpy and scipy each bring a 25 MB OpenBLAS (numpy's with 64-bit integers, `scipy_*_64_` symbols; scipy's with
32-bit ones, `scipy_*_`), and their ABIs differ, so one cannot simply load the other. But of scipy, the bundle
carries only scipy.ndimage and what it imports (scipy.special), which call one LAPACK routine: `scipy_dstevr_`
(ellipsoidal harmonics). The forwarder, compiled at build time, defines exactly the routines the kept binaries
take from scipy's OpenBLAS, widening the integers and calling numpy's. It is used only when those routines are
ones it forwards (else scipy's OpenBLAS stays), and packaging/ui_check.py checks scipy.special.ellip_harm's values
in the frozen app. The libraries only scipy's OpenBLAS needed (its own libgfortran and libquadmath) go too.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

FORWARDED = {"scipy_dstevr_"}
FORWARDER_C = r"""
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

extern void scipy_dstevr_64_(const char *, const char *, const int64_t *, double *, double *, const double *,
                             const double *, const int64_t *, const int64_t *, const double *, int64_t *, double *,
                             double *, const int64_t *, int64_t *, double *, const int64_t *, int64_t *,
                             const int64_t *, int64_t *, size_t, size_t);

/* LAPACK's DSTEVR with 32-bit integers, computed by the 64-bit-integer build. */
__attribute__((visibility("default"))) void scipy_dstevr_(
        const char *jobz, const char *range, const int *n, double *d, double *e, const double *vl, const double *vu,
        const int *il, const int *iu, const double *abstol, int *m, double *w, double *z, const int *ldz,
        int *isuppz, double *work, const int *lwork, int *iwork, const int *liwork, int *info) {
    int64_t n64 = *n, il64 = *il, iu64 = *iu, ldz64 = *ldz, lwork64 = *lwork, liwork64 = *liwork, m64 = 0, info64 = 0;
    size_t nsupp = 2 * (size_t)(*n > 1 ? *n : 1), niwork = *liwork > 1 ? (size_t)*liwork : 1;
    int64_t *isuppz64 = calloc(nsupp, sizeof(int64_t)), *iwork64 = calloc(niwork, sizeof(int64_t));
    if (!isuppz64 || !iwork64) {
        free(isuppz64);
        free(iwork64);
        *info = -1000;
        return;
    }
    scipy_dstevr_64_(jobz, range, &n64, d, e, vl, vu, &il64, &iu64, abstol, &m64, w, z, &ldz64, isuppz64, work,
                     &lwork64, iwork64, &liwork64, &info64, 1, 1);
    *m = (int)m64;
    *info = (int)info64;
    size_t nfound = 2 * (size_t)(m64 > 1 ? m64 : 1);
    for (size_t i = 0; i < nfound && i < nsupp; i++) isuppz[i] = (int)isuppz64[i];
    for (size_t i = 0; i < niwork; i++) iwork[i] = (int)iwork64[i];
    free(isuppz64);
    free(iwork64);
}
"""


def _needed(path: Path) -> set[str]:
    out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True).stdout
    return set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out))


def _undefined(path: Path) -> set[str]:
    out = subprocess.run(["nm", "-D", "--undefined-only", str(path)], capture_output=True, text=True).stdout
    return {line.split()[-1] for line in out.splitlines() if line.strip()}


def share_openblas(internal: Path, log=print) -> dict:
    """Replace scipy.libs' OpenBLAS under `internal` (the bundle's _internal) by the forwarder; what was done."""
    scipy_blas = sorted((internal / "scipy.libs").glob("libscipy_openblas-*.so"))
    numpy_blas = sorted((internal / "numpy.libs").glob("libscipy_openblas64_*.so"))
    compiler = shutil.which("cc") or shutil.which("gcc")
    if len(scipy_blas) != 1 or len(numpy_blas) != 1 or not compiler or not shutil.which("nm"):
        return {"done": False, "why": "no scipy and numpy OpenBLAS pair, or no C compiler / nm"}
    target, numpy_lib = scipy_blas[0], numpy_blas[0]
    users = [p for p in internal.rglob("*.so*") if p.is_file() and p != target and target.name in _needed(p)]
    wanted = set().union(*(_undefined(p) for p in users)) & _defined(target)
    if not wanted <= FORWARDED:
        return {"done": False, "why": f"scipy's OpenBLAS is used for {sorted(wanted - FORWARDED)} too"}
    was = target.stat().st_size
    source = target.with_suffix(".forwarder.c")
    source.write_text(FORWARDER_C, encoding="utf-8")
    built = target.with_suffix(".forwarder.so")
    subprocess.run([compiler, "-shared", "-fPIC", "-O2", "-o", str(built), str(source), f"-L{numpy_lib.parent}",
                    f"-l:{numpy_lib.name}", "-Wl,-rpath,$ORIGIN/../numpy.libs", f"-Wl,-soname,{target.name}"],
                   check=True)
    source.unlink()
    built.replace(target)
    removed = []
    while True:  # scipy's own libgfortran, then its libquadmath: files of scipy.libs that nothing needs any more
        # (only scipy's binaries look into scipy.libs: their run paths point there; numpy's look into numpy.libs)
        libraries = [p for folder in ("scipy", "scipy.libs") for p in (internal / folder).rglob("*.so*") if p.is_file()]
        unused = [p for p in (internal / "scipy.libs").iterdir()
                  if p != target and not any(p.name in _needed(other) for other in libraries if other != p)]
        if not unused:
            break
        for path in unused:
            removed.append(f"{path.name} ({path.stat().st_size:,} bytes)")
            path.unlink()
    log(f"scipy's OpenBLAS ({was:,} bytes) replaced by a forwarder of {sorted(wanted)} to {numpy_lib.name}; "
        f"removed {', '.join(removed) or 'nothing else'}")
    return {"done": True, "forwarded": sorted(wanted), "saved_bytes": was - target.stat().st_size, "removed": removed}


def _defined(library: Path) -> set[str]:
    """The dynamic symbols `library` defines."""
    out = subprocess.run(["nm", "-D", "--defined-only", str(library)], capture_output=True, text=True).stdout
    return {line.split()[-1] for line in out.splitlines() if line.strip()}
