#!/usr/bin/env bash
# Renders the tiny H.264 clips the provider sandbox serves as generated videos.
#
#   scripts/make-sandbox-clips.sh                    every committed clip into assets/sandbox/clips/
#   scripts/make-sandbox-clips.sh DIR WIDTH HEIGHT SECONDS   one clip into DIR (the sandbox's runtime cache)
#
# The flags make the output byte-identical between runs, so regenerating does not churn the repository.
set -euo pipefail

render() {
  local dir=$1 width=$2 height=$3 seconds=$4
  local out="$dir/${width}x${height}-${seconds}s.mp4"
  mkdir -p "$dir"
  # Render next to the target and rename, so a concurrent reader never sees a half-written clip.
  ffmpeg -v error -y -f lavfi -i "testsrc=size=${width}x${height}:rate=8:duration=${seconds}" \
    -c:v libx264 -preset veryslow -crf 40 -pix_fmt yuv420p -threads 1 -g 80 -an \
    -map_metadata -1 -fflags +bitexact -flags:v +bitexact -movflags +faststart \
    -f mp4 "$out.tmp.$$"
  mv "$out.tmp.$$" "$out"
}

command -v ffmpeg >/dev/null || { echo "ffmpeg is required (apt-get install -y ffmpeg)" >&2; exit 1; }

if [ $# -eq 4 ]; then
  render "$@"
  exit 0
fi
[ $# -eq 0 ] || { echo "usage: $0 [DIR WIDTH HEIGHT SECONDS]" >&2; exit 2; }

clips_dir="$(cd "$(dirname "$0")/.." && pwd)/assets/sandbox/clips"
for size in 160x90 90x160 120x120; do
  for seconds in 4 5 6 8 10; do
    render "$clips_dir" "${size%x*}" "${size#*x}" "$seconds"
  done
done
du -b "$clips_dir"/*.mp4 | sort -k2
du -sb "$clips_dir"
