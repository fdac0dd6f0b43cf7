#!/bin/sh
# Creates S3_BUCKET, owned by the root account, unless it exists (create-bucket fails on an existing bucket).
# versitygw's admin client reads ROOT_ACCESS_KEY, ROOT_SECRET_KEY and ADMIN_ENDPOINT_URL.
set -eu

if versitygw admin list-buckets | awk 'NR > 2 { print $1 }' | grep -qx "$S3_BUCKET"; then
  echo "bucket $S3_BUCKET exists"
else
  versitygw admin create-bucket --owner "$ROOT_ACCESS_KEY" --bucket "$S3_BUCKET"
  echo "bucket $S3_BUCKET created"
fi
