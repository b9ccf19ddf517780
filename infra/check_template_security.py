"""Security properties of template.yaml that checkov does not check for SAM.

- every contacts-API route is IAM-authorised (only /webhook is public);
- no Allow statement uses a wildcard action;
- every queue is encrypted and under a queue policy that denies plain HTTP
  (QueueTlsOnlyPolicy, or the events queue's own);
- every event bus rule's target has a dead-letter queue (alarmed, as every DLQ);
- every function has a log group named after it, kept LogRetentionDays (30);
- every queue is watched: a dead-letter queue alarms on any message in it,
  any other queue on the age of its oldest message (SQS deletes a message
  unseen once it outlives the retention period);
- every function has an alarm on its Lambda Errors metric;
- the public POST /webhook route is throttled by parameters, so a flood of
  unsigned POSTs is refused before it costs an invocation;
- the webhook is the only public entry (WebhookEndpoint): its routes in the
  HTTP API's body only under WebhookViaHttpApi, every other route of the body
  IAM-authorised; its function URL (AuthType NONE, the signature check is the
  authentication) and the two public permissions only under
  WebhookViaFunctionUrl, every other function URL AWS_IAM, no other
  permission to "*"; under FunctionUrl the function has reserved concurrency
  (WebhookReservedConcurrency) and an alarm on its Lambda Throttles;
- the bad-signature alarm counts every signature refusal (missing too);
- every bucket is encrypted, blocks all public access, is owned by the
  bucket owner (no ACLs), has no versioning, a TLS-only bucket policy, and
  a lifecycle rule expiring objects after RetentionDays and incomplete
  multipart uploads after a day (docs/media.md);
- the functions that touch a bucket (the media function, the sender) hold
  no s3:* or s3 wildcard action and no Resource "*": each S3 grant names
  the bucket or a prefix of it.

Run by `make test` (infra/local/test.sh) with the .venv's Python.
"""

import sys

import yaml


class Loader(yaml.SafeLoader):
    pass


# CloudFormation short forms (!Ref, !GetAtt, !Sub...) as {tag: value}.
def _tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {suffix: value}


Loader.add_multi_constructor("!", _tag)


def _any_resource(statement):
    """An Allow on every resource ("*"), the thing least privilege forbids."""
    resources = statement.get("Resource", [])
    resources = [resources] if not isinstance(resources, list) else resources
    return "*" in resources


def main(path):
    template = yaml.load(open(path), Loader=Loader)
    resources = template["Resources"]
    problems = []

    for name, res in resources.items():
        props = res.get("Properties") or {}
        for event_name, event in (props.get("Events") or {}).items():
            if event["Type"] != "HttpApi":
                continue
            path_ = event["Properties"]["Path"]
            auth = (event["Properties"].get("Auth") or {}).get("Authorizer")
            if path_ != "/webhook" and auth != "AWS_IAM":
                problems.append(f"{name}.{event_name} {path_}: not IAM-authorised")

        for policy in props.get("Policies") or []:
            for st in policy.get("Statement", []) if isinstance(policy, dict) else []:
                actions = st.get("Action", [])
                actions = [actions] if isinstance(actions, str) else actions
                if st.get("Effect") == "Allow" and any("*" in a for a in actions):
                    problems.append(f"{name}: wildcard action in {actions}")
                if st.get("Effect") == "Allow" and _any_resource(st):
                    problems.append(f"{name}: Allow on Resource '*' ({actions})")
        doc = props.get("PolicyDocument") or {}
        role_docs = [p.get("PolicyDocument") or {} for p in props.get("Policies") or [] if isinstance(p, dict)]
        for st in [s for d in [doc, *role_docs] for s in d.get("Statement", [])]:
            if not isinstance(st, dict):
                continue
            actions = st.get("Action", [])
            actions = [actions] if isinstance(actions, str) else actions
            if st.get("Effect") == "Allow" and any("*" in a for a in actions):
                problems.append(f"{name}: wildcard action in {actions}")
            if st.get("Effect") == "Allow" and _any_resource(st):
                problems.append(f"{name}: Allow on Resource '*' ({actions})")

    # A queue has one policy: QueueTlsOnlyPolicy, or one of its own (the
    # events queue's lets the bus deliver); either way it denies plain HTTP.
    listed: set[str] = set()
    arns: set[str] = set()
    for res in resources.values():
        if res["Type"] != "AWS::SQS::QueuePolicy":
            continue
        policy = res["Properties"]
        listed |= {q.get("Ref") for q in policy["Queues"]}
        for st in policy["PolicyDocument"]["Statement"]:
            insecure = (st.get("Condition") or {}).get("Bool", {}).get("aws:SecureTransport") == "false"
            if st.get("Effect") == "Deny" and insecure:
                arns |= {a["GetAtt"].split(".")[0] for a in st["Resource"]}
    for name, res in resources.items():
        if res["Type"] != "AWS::SQS::Queue":
            continue
        props = res["Properties"]
        if not (props.get("SqsManagedSseEnabled") or props.get("KmsMasterKeyId")):
            problems.append(f"{name}: queue not encrypted")
        if name not in listed or name not in arns:
            problems.append(f"{name}: no TLS-only queue policy")

    # Every bus rule's target parks what it cannot deliver in a DLQ.
    bus_dead_letter = set()
    for name, res in resources.items():
        if res["Type"] != "AWS::Events::Rule":
            continue
        for target in res["Properties"].get("Targets", []):
            dlq = (target.get("DeadLetterConfig") or {}).get("Arn")
            if not isinstance(dlq, dict):
                problems.append(f"{name}: target {target.get('Id')} has no dead-letter queue")
            else:
                bus_dead_letter.add(dlq["GetAtt"].split(".")[0])

    watched = set()
    for res in resources.values():
        props = res.get("Properties") or {}
        if res["Type"] != "AWS::CloudWatch::Alarm" or props.get("Namespace") != "AWS/SQS":
            continue
        for dim in props.get("Dimensions", []):
            if dim.get("Name") == "QueueName" and isinstance(dim.get("Value"), dict):
                queue = dim["Value"].get("GetAtt", "").split(".")[0]
                watched.add((queue, props.get("MetricName")))
    dead_letter = {
        res["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["GetAtt"].split(".")[0]
        for res in resources.values()
        if res["Type"] == "AWS::SQS::Queue" and "RedrivePolicy" in res["Properties"]
    } | bus_dead_letter
    for name, res in resources.items():
        if res["Type"] != "AWS::SQS::Queue":
            continue
        metric = (
            "ApproximateNumberOfMessagesVisible" if name in dead_letter else "ApproximateAgeOfOldestMessage"
        )
        if (name, metric) not in watched:
            problems.append(f"{name}: no alarm on {metric}")

    errors_alarmed = {
        props["Dimensions"][0]["Value"].get("Ref")
        for props in (res.get("Properties") or {} for res in resources.values())
        if props.get("Namespace") == "AWS/Lambda" and props.get("MetricName") == "Errors"
    }
    for name, res in resources.items():
        if res["Type"] == "AWS::Serverless::Function" and name not in errors_alarmed:
            problems.append(f"{name}: no alarm on its Lambda Errors")

    route = _when("WebhookViaHttpApi", resources["HttpApi"]["Properties"].get("RouteSettings")).get("POST /webhook") or {}
    for key, param in (("ThrottlingRateLimit", "WebhookThrottleRate"), ("ThrottlingBurstLimit", "WebhookThrottleBurst")):
        if route.get(key) != {"Ref": param}:
            problems.append(f"HttpApi: POST /webhook {key} is not !Ref {param} (under WebhookViaHttpApi)")
    problems.extend(webhook_endpoint_problems(resources))

    query = resources["WebhookBadSignatureAlarm"]["Properties"]["Metrics"][0]["Expression"]
    for reason in ("bad_signature", "missing_signature"):
        if f"'{reason}'" not in query:
            problems.append(f"WebhookBadSignatureAlarm: does not count Reason={reason}")

    log_groups = {
        str(res["Properties"]["LogGroupName"]): res["Properties"].get("RetentionInDays")
        for res in resources.values()
        if res["Type"] == "AWS::Logs::LogGroup"
    }
    default_days = template["Parameters"]["LogRetentionDays"]["Default"]
    if default_days != 30:
        problems.append(f"LogRetentionDays defaults to {default_days}, not 30")
    for name, res in resources.items():
        if res["Type"] != "AWS::Serverless::Function":
            continue
        expected = str({"Sub": f"/aws/lambda/${{{name}}}"})
        if log_groups.get(expected) != {"Ref": "LogRetentionDays"}:
            problems.append(f"{name}: no log group kept LogRetentionDays days")

    problems.extend(bucket_problems(resources))
    problems.extend(s3_grant_problems(resources, ("MediaFunction", "SenderFunction")))

    for p in problems:
        print(f"{path}: {p}", file=sys.stderr)
    if problems:
        return 1
    print(
        f"{path}: contacts routes IAM-only, no wildcard Allow, no Allow on Resource '*', queues encrypted, TLS-only and alarmed, "
        f"functions' errors alarmed, webhook the only public entry and throttled either way, signature refusals alarmed, "
        f"log groups kept {default_days} days, "
        f"buckets encrypted, private, TLS-only and expiring after RetentionDays, S3 grants named"
    )
    return 0


def _when(condition, value):
    """The true branch of `!If [condition, x, !Ref AWS::NoValue]`, else {}."""
    if isinstance(value, dict) and list(value) == ["If"]:
        name, if_true, if_false = value["If"]
        if name == condition and if_false == {"Ref": "AWS::NoValue"}:
            return if_true
    return {}


def webhook_endpoint_problems(resources):
    problems = []
    paths = ((resources["HttpApi"]["Properties"].get("DefinitionBody") or {}).get("paths")) or {}
    for path, item in paths.items():
        if path == "/webhook":
            if set(_when("WebhookViaHttpApi", item)) != {"get", "post"}:
                problems.append("HttpApi: /webhook (GET, POST) is not in the body under WebhookViaHttpApi alone")
            continue
        for method, op in (item or {}).items():
            if {"AWS_IAM": []} not in (op or {}).get("security", []):
                problems.append(f"HttpApi body: {method.upper()} {path} not IAM-authorised")

    for name, res in resources.items():
        props = res.get("Properties") or {}
        public = res["Type"] == "AWS::Lambda::Url" and props.get("AuthType") != "AWS_IAM"
        public |= res["Type"] == "AWS::Lambda::Permission" and props.get("Principal") == "*"
        if not public:
            continue
        webhook = {"GetAtt": "WebhookFunction.Arn"} if res["Type"] == "AWS::Lambda::Url" else {"Ref": "WebhookFunction"}
        target = props.get("TargetFunctionArn", props.get("FunctionName"))
        if target != webhook or res.get("Condition") != "WebhookViaFunctionUrl":
            problems.append(f"{name}: public (no IAM auth) but not the webhook's function URL under WebhookViaFunctionUrl")
        elif res["Type"] == "AWS::Lambda::Permission" and not (
            (props.get("Action"), props.get("FunctionUrlAuthType")) == ("lambda:InvokeFunctionUrl", "NONE")
            or (props.get("Action"), props.get("InvokedViaFunctionUrl")) == ("lambda:InvokeFunction", True)
        ):
            problems.append(f"{name}: a permission to \"*\" other than through the function URL")

    reserved = resources["WebhookFunction"]["Properties"].get("ReservedConcurrentExecutions")
    if _when("WebhookViaFunctionUrl", reserved) != {"Ref": "WebhookReservedConcurrency"}:
        problems.append("WebhookFunction: no reserved concurrency (WebhookReservedConcurrency) under WebhookViaFunctionUrl")
    throttles_alarmed = any(
        res.get("Condition") in ("WebhookViaFunctionUrl", None)
        and props.get("Namespace") == "AWS/Lambda"
        and props.get("MetricName") == "Throttles"
        and props["Dimensions"][0]["Value"] == {"Ref": "WebhookFunction"}
        for res in resources.values()
        for props in [res.get("Properties") or {}]
    )
    if not throttles_alarmed:
        problems.append("WebhookFunction: no alarm on its Lambda Throttles under WebhookViaFunctionUrl")
    return problems


def bucket_problems(resources):
    problems = []
    policies = {}
    for res in resources.values():
        if res["Type"] == "AWS::S3::BucketPolicy":
            policies[res["Properties"]["Bucket"].get("Ref")] = res["Properties"]["PolicyDocument"]
    for name, res in resources.items():
        if res["Type"] != "AWS::S3::Bucket":
            continue
        props = res.get("Properties") or {}
        rules = (props.get("BucketEncryption") or {}).get("ServerSideEncryptionConfiguration") or []
        algorithms = {(r.get("ServerSideEncryptionByDefault") or {}).get("SSEAlgorithm") for r in rules}
        if not algorithms & {"AES256", "aws:kms", "aws:kms:dsse"}:
            problems.append(f"{name}: bucket not encrypted by default")
        block = props.get("PublicAccessBlockConfiguration") or {}
        for key in ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"):
            if block.get(key) is not True:
                problems.append(f"{name}: public access not blocked ({key})")
        owners = [r.get("ObjectOwnership") for r in (props.get("OwnershipControls") or {}).get("Rules", [])]
        if owners != ["BucketOwnerEnforced"]:
            problems.append(f"{name}: ObjectOwnership is not BucketOwnerEnforced")
        if (props.get("VersioningConfiguration") or {}).get("Status") == "Enabled":
            problems.append(f"{name}: versioning on (a version outlives erasure and retention)")
        lifecycle = (props.get("LifecycleConfiguration") or {}).get("Rules") or []
        enabled = [r for r in lifecycle if r.get("Status") == "Enabled"]
        if not any(r.get("ExpirationInDays") == {"Ref": "RetentionDays"} and not r.get("Prefix") for r in enabled):
            problems.append(f"{name}: no lifecycle rule expiring every object after RetentionDays")
        if not any((r.get("AbortIncompleteMultipartUpload") or {}).get("DaysAfterInitiation") == 1 for r in enabled):
            problems.append(f"{name}: incomplete multipart uploads not aborted after 1 day")
        doc = policies.get(name) or {}
        tls_only = any(
            st.get("Effect") == "Deny"
            and st.get("Principal") == "*"
            and st.get("Action") in ("s3:*", ["s3:*"])
            and (st.get("Condition") or {}).get("Bool", {}).get("aws:SecureTransport") == "false"
            and {"GetAtt": f"{name}.Arn"} in st.get("Resource", [])
            and {"Sub": f"${{{name}.Arn}}/*"} in st.get("Resource", [])
            for st in doc.get("Statement", [])
        )
        if not tls_only:
            problems.append(f"{name}: no TLS-only bucket policy on the bucket and its objects")
    return problems


def s3_grant_problems(resources, functions):
    problems = []
    for name in functions:
        res = resources.get(name)
        if res is None:
            problems.append(f"{name}: missing")
            continue
        for policy in res["Properties"].get("Policies") or []:
            if not isinstance(policy, dict):
                continue
            for st in policy.get("Statement", []):
                actions = st.get("Action", [])
                actions = [actions] if isinstance(actions, str) else actions
                targets = st.get("Resource", [])
                targets = targets if isinstance(targets, list) else [targets]
                if "*" in targets:
                    problems.append(f"{name}: Resource \"*\" in {actions}")
                if not any(a.startswith("s3:") for a in actions):
                    continue
                if any(a == "s3:*" or "*" in a for a in actions):
                    problems.append(f"{name}: S3 wildcard action in {actions}")
                for t in targets:
                    text = str(t)
                    if "Bucket" not in text and "bucket" not in text:
                        problems.append(f"{name}: S3 grant on {t} names no bucket")
    return problems


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "template.yaml"))
