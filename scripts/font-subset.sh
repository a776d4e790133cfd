#!/bin/sh
# Regenerates assets/fonts/shequ-cjk.ttf (for plotters) and shequ-cjk.woff2 (for @font-face in
# report.html and the SVGs): WenQuanYi Micro Hei (Apache-2.0) subset to printable ASCII,
# Latin-1 and every other character in shequ's sources and scenario library.
# Needs: Debian's fonts-wqy-microhei (apt-get install fonts-wqy-microhei) and fonttools with
# brotli (pip install fonttools brotli). Run from the repository root; then
# `cargo test --release --lib glyph` checks that every printed label is covered.
set -eu
SRC=${WQY_TTC:-/usr/share/fonts/truetype/wqy/wqy-microhei.ttc}
OUT=assets/fonts
CHARS=$(mktemp)
trap 'rm -f "$CHARS"' EXIT
python3 - "$CHARS" <<'PY'
import pathlib, sys
chars = {chr(c) for c in range(0x20, 0x7F)} | {chr(c) for c in range(0xA0, 0x100)}
for pattern in ("src/**/*.rs", "scenarios/**/*.toml"):
    for path in sorted(pathlib.Path(".").glob(pattern)):
        chars |= {c for c in path.read_text(encoding="utf-8") if ord(c) > 0x7E}
chars -= {"\n", "\r", "\t"}
pathlib.Path(sys.argv[1]).write_text("".join(sorted(chars)), encoding="utf-8")
print(len(chars), "characters")
PY
for flavor in ttf woff2; do
    if [ "$flavor" = ttf ]; then opt=""; else opt="--flavor=woff2"; fi
    pyftsubset "$SRC" --font-number=0 --text-file="$CHARS" $opt \
        --notdef-outline \
        --output-file="$OUT/shequ-cjk.$flavor"
done
ls -l "$OUT"/shequ-cjk.*
