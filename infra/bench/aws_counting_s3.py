"""S3 for the counting proxy (aws_counting_proxy.py): which operation a
REST request is, as AWS names it on the bill and in CloudTrail, and what
its answer says.

S3 is not JSON-RPC like DynamoDB, SQS and Secrets Manager (no
X-Amz-Target): the operation follows from the method, whether the path
names a key (`/bucket/key`, path-style, as the functions' clients use
against an endpoint override) and the query string. The Rust SDK adds
`x-id=<Operation>` to most requests; that is taken when present, and the
rules below name the rest. Stdlib only.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

# Bucket sub-resources, as they appear in an operation's name
# (GET ?lifecycle is GetBucketLifecycleConfiguration).
SUBRESOURCES = {
    "lifecycle": "LifecycleConfiguration", "policy": "Policy", "encryption": "Encryption",
    "tagging": "Tagging", "cors": "Cors", "publicAccessBlock": "PublicAccessBlock",
    "versioning": "Versioning", "notification": "NotificationConfiguration",
    "ownershipControls": "OwnershipControls", "acl": "Acl", "location": "Location",
    "logging": "Logging", "website": "Website", "replication": "Replication",
}
ERROR_CODE = re.compile(rb"<Code>([^<]+)</Code>")


def _object_operation(method: str, query: dict, copy: bool) -> str:
    if method == "PUT":
        if "partNumber" in query:
            return "UploadPartCopy" if copy else "UploadPart"
        if "tagging" in query:
            return "PutObjectTagging"
        return "CopyObject" if copy else "PutObject"
    if method == "POST":
        if "uploads" in query:
            return "CreateMultipartUpload"
        if "uploadId" in query:
            return "CompleteMultipartUpload"
        return "RestoreObject" if "restore" in query else "PostObject"
    if method == "DELETE":
        return "AbortMultipartUpload" if "uploadId" in query else "DeleteObject"
    if method == "GET":
        if "uploadId" in query:
            return "ListParts"
        return "GetObjectTagging" if "tagging" in query else "GetObject"
    return "HeadObject" if method == "HEAD" else f"{method}Object"


def _bucket_operation(method: str, query: dict) -> str:
    sub = next((SUBRESOURCES[k] for k in query if k in SUBRESOURCES), None)
    if method == "GET":
        if sub:
            return f"GetBucket{sub}"
        if query.get("list-type") == ["2"]:
            return "ListObjectsV2"
        if "uploads" in query:
            return "ListMultipartUploads"
        return "ListObjectVersions" if "versions" in query else "ListObjects"
    if method == "HEAD":
        return "HeadBucket"
    if method == "PUT":
        return f"PutBucket{sub}" if sub else "CreateBucket"
    if method == "POST" and "delete" in query:
        return "DeleteObjects"
    if method == "DELETE":
        return f"DeleteBucket{sub}" if sub else "DeleteBucket"
    return f"{method}Bucket"


def operation(method: str, path: str, headers) -> str:
    """The S3 operation of `method path` (path-style, query included)."""
    url = urlsplit(path)
    query = parse_qs(url.query, keep_blank_values=True)
    if query.get("x-id"):
        return query["x-id"][0]
    _bucket, _, key = url.path.lstrip("/").partition("/")
    if key:
        return _object_operation(method, query, "x-amz-copy-source" in headers)
    return _bucket_operation(method, query)


def object_bytes(op: str, headers, body: bytes) -> int | None:
    """Bytes of the object (or part) a write carries: the decoded length
    when the body is aws-chunked (signed chunks and a trailing checksum
    around the data), else the body's. None for other operations."""
    if op not in ("PutObject", "UploadPart"):
        return None
    decoded = headers.get("x-amz-decoded-content-length")
    return int(decoded) if decoded is not None else len(body)


def error_code(status: int, body: bytes) -> str:
    """S3's error code from its XML answer; a HEAD answer has no body, so
    its status names it (404 NotFound, as the SDKs report it)."""
    found = ERROR_CODE.search(body or b"")
    if found:
        return found.group(1).decode()
    return {404: "NotFound", 403: "Forbidden", 412: "PreconditionFailed"}.get(status, f"HTTP{status}")
