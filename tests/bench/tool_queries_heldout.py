"""Held-out queries over both tool catalogues, written before the final ranker changes and measured
once at the end (never used to tune): a check that the ranker's synonyms and weights carry over to
phrasings nobody tuned for. Catalogue 1 is ``tool_catalog.py``, catalogue 2 ``tool_catalog2.py``.
"""

from __future__ import annotations


def _t(server: str, tool: str) -> str:
    return f"mcp__{server}__{tool}"


# (query, expected tool(s)) over catalogue 1
QUERIES_1: list[tuple[str, list[str]]] = [
    ("Comment on issue 17 that it is fixed in the next release", [_t("github", "add_issue_comment")]),
    ("Make a copy of the acme/api repo under my account", [_t("github", "fork_repository")]),
    ("Start a new branch called hotfix off main", [_t("github", "create_branch")]),
    ("Give PAY-77 to Priya", [_t("jira", "assign_ticket")]),
    ("What's the status of PAY-300 and who commented on it?", [_t("jira", "get_ticket")]),
    ("Put PAY-5 and PAY-6 into the next sprint", [_t("jira", "move_to_sprint")]),
    ("Change the #support channel topic to 'holiday hours'", [_t("slack", "set_channel_topic")]),
    ("What time zone is Dmitri in? Check his Slack profile", [_t("slack", "get_user_profile")]),
    ("Which tables are in the public schema?", [_t("postgres", "list_tables")]),
    ("Delete the test rows from the orders table", [_t("postgres", "execute")]),
    ("Who is connected to the database right now?", [_t("postgres", "active_connections")]),
    ("Download config.json from the settings bucket", [_t("s3", "get_object")]),
    ("What's the content type and size of that S3 file?", [_t("s3", "head_object")]),
    ("Which buckets do we have?", [_t("s3", "list_buckets")]),
    ("Restart the api deployment so it picks up the new config", [_t("kubernetes", "rollout_restart")]),
    ("Open a shell in the worker pod and run env", [_t("kubernetes", "exec_in_pod")]),
    ("Stop the redis container", [_t("docker", "stop_container")]),
    ("Run nginx in a container on port 8080", [_t("docker", "run_container")]),
    ("Charge the customer $49", [_t("stripe", "create_payment_intent")]),
    ("Put customer cus_9 on the Pro monthly plan", [_t("stripe", "create_subscription")]),
    ("Move my 1:1 with Sara to Friday", [_t("calendar", "update_event")]),
    ("Add a Meet link to tomorrow's planning meeting", [_t("calendar", "add_video_conference")]),
    ("Label all the receipts emails as Finance", [_t("gmail", "add_label")]),
    (
        "Open the latest email from HR and read it to me",
        [_t("gmail", "read_email"), _t("gmail", "search_emails")],
    ),
    ("Create a page for the Q3 retro in Notion", [_t("notion", "create_page")]),
    (
        "Set the status of the launch row to Done in the Notion database",
        [_t("notion", "update_page_properties")],
    ),
    ("Mute Sentry issue 991 for a week", [_t("sentry", "ignore_issue")]),
    ("Mark the checkout crash as fixed in Sentry", [_t("sentry", "resolve_issue")]),
    ("Add a deploy marker to Datadog", [_t("datadog", "create_event")]),
    ("How much error budget is left on the login SLO?", [_t("datadog", "get_slo")]),
    ("Leave feedback on the header frame in Figma", [_t("figma", "post_comment")]),
    ("Which components are in our Figma design library?", [_t("figma", "get_components")]),
    ("Turn the Globex lead into an opportunity", [_t("salesforce", "convert_lead")]),
    ("Open a support case for Initech: login broken", [_t("salesforce", "create_case")]),
    ("Call +15550001111 and read out the outage notice", [_t("twilio", "make_call")]),
    ("Did the verification code 123456 the user typed match?", [_t("twilio", "check_verification")]),
    ("Cache the homepage HTML in Redis for 60 seconds", [_t("redis", "set")]),
    ("Enqueue a job on the Redis list 'jobs'", [_t("redis", "list_push")]),
    ("Copy the products index into products-v2", [_t("elasticsearch", "reindex")]),
    ("What fields does the logs index map?", [_t("elasticsearch", "get_mapping")]),
    ("Update the runbook page in Confluence with the new steps", [_t("confluence", "update_page")]),
    ("Save the architecture page in Confluence as a PDF", [_t("confluence", "export_pdf")]),
    ("Add a note to the incident that the fix is rolling out", [_t("pagerduty", "add_incident_note")]),
    ("Close the PagerDuty incident, it's resolved", [_t("pagerduty", "resolve_incident")]),
]

# (query, expected tool(s)) over catalogue 2
QUERIES_2: list[tuple[str, list[str]]] = [
    ("Who has maintainer rights on the GitLab project?", [_t("gitlab", "list_project_members")]),
    ("Is the build on main green?", [_t("gitlab", "list_pipelines")]),
    ("Start a Linear project for the billing revamp due in June", [_t("linear", "create_project")]),
    ("Show me everything about LIN-204", [_t("linear", "get_issue")]),
    ("Kick the bot account off the Discord", [_t("discord", "kick_member")]),
    ("Add a voice channel for standups to the server", [_t("discord", "create_channel")]),
    ("Add an internal note to ticket 88: customer is VIP", [_t("zendesk", "add_ticket_comment")]),
    ("Which canned responses do we have in Zendesk?", [_t("zendesk", "list_macros")]),
    ("This Intercom chat is done, close it", [_t("intercom", "close_conversation")]),
    ("Message all trial users in-app about the new feature", [_t("intercom", "send_outbound_message")]),
    ("Create a company record for Globex in HubSpot", [_t("hubspot", "create_company")]),
    ("What stages does our sales pipeline have?", [_t("hubspot", "list_pipelines")]),
    ("Build a segment of subscribers who opened in the last 30 days", [_t("mailchimp", "create_segment")]),
    ("Draft a campaign for the product launch", [_t("mailchimp", "create_campaign")]),
    ("What did order 1077 contain and where is it going?", [_t("shopify", "get_order")]),
    ("Add a new product: linen shirt, three sizes", [_t("shopify", "create_product")]),
    ("Boot the build server EC2 instance", [_t("aws", "start_instances")]),
    ("Deploy the new zip to the thumbnailer Lambda", [_t("aws", "update_lambda_code")]),
    ("Remove the old TXT record from the zone", [_t("cloudflare", "delete_dns_record")]),
    ("How much bandwidth did example.com serve this week?", [_t("cloudflare", "get_zone_analytics")]),
    ("Stop the Vercel build that's running, it's wrong", [_t("vercel", "cancel_deployment")]),
    ("Which env vars are set on the web project?", [_t("vercel", "list_env_vars")]),
    ("Move the signed contract into the Legal folder in Drive", [_t("gdrive", "move_file")]),
    ("Delete the old draft from Google Drive", [_t("gdrive", "trash_file")]),
    ("Put report.pdf into the /shared folder on Dropbox", [_t("dropbox", "upload")]),
    ("What's in the /photos folder in Dropbox?", [_t("dropbox", "list_folder")]),
    ("Create a spreadsheet called Hiring Tracker", [_t("sheets", "create_spreadsheet")]),
    ("Replace 'ACME' with 'Acme Corp' across the sheet", [_t("sheets", "find_replace")]),
    ("Mark every trial user in Mongo as expired", [_t("mongodb", "update_many")]),
    ("How big is the events collection on disk?", [_t("mongodb", "collection_stats")]),
    ("The BI warehouse is suspended, wake it up", [_t("snowflake", "resume_warehouse")]),
    ("What columns does the Snowflake orders table have?", [_t("snowflake", "describe_table")]),
    ("Find the latency dashboard in Grafana", [_t("grafana", "search_dashboards")]),
    ("Export the CPU panel as an image", [_t("grafana", "render_panel")]),
    ("Add Jin to the engineering group in Okta", [_t("okta", "add_user_to_group")]),
    ("Send Maria a password reset link", [_t("okta", "reset_password")]),
    ("Where are the recordings of last week's Zoom calls?", [_t("zoom", "list_recordings")]),
    ("Cancel tomorrow's Zoom standup", [_t("zoom", "delete_meeting")]),
    (
        "Set the db_password variable on the prod Terraform workspace, mark it sensitive",
        [_t("terraform", "set_variable")],
    ),
    ("What resources are in the networking workspace's state?", [_t("terraform", "show_state")]),
]
