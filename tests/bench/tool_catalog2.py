"""A second labelled tool catalogue: 200 MCP-like tools over 20 other servers, 100 queries.

Written before the ranker was tuned, as a check that changes made for ``tool_catalog.py`` are not
fitted to that set. None of its servers appear in the first catalogue. Descriptions follow how
real MCP servers word their tools (short, imperative, often naming the product); several servers
overlap on purpose (GitLab and Linear both have issues, Zendesk and Intercom both have customer
conversations, Google Drive and Dropbox both share files, HubSpot and Mailchimp both keep contacts).
The queries are what a user types to an agent: terse, sometimes without the product's name, often
in other words than the description. Each names the tool(s) that answer it; when two tools each
answer it (either would do), both are listed.
"""

from __future__ import annotations

from typing import Any

# server -> [(tool, description, [parameter names])]
# fmt: off
CATALOG: dict[str, list[tuple[str, str, list[str]]]] = {
    "gitlab": [
        ("create_merge_request", "Create a merge request from a source branch to a target branch in a GitLab project.", ["project_id", "source_branch", "target_branch", "title"]),
        ("list_merge_requests", "List merge requests of a project, filtered by state, author or reviewer.", ["project_id", "state", "author_username"]),
        ("approve_merge_request", "Approve a merge request.", ["project_id", "merge_request_iid"]),
        ("list_pipelines", "List CI/CD pipelines of a project with their status.", ["project_id", "ref", "status"]),
        ("retry_pipeline", "Retry the failed jobs of a pipeline.", ["project_id", "pipeline_id"]),
        ("get_job_log", "Get the log (trace) of a CI job.", ["project_id", "job_id"]),
        ("create_issue", "Create an issue in a GitLab project.", ["project_id", "title", "description", "labels"]),
        ("list_project_members", "List the members of a project and their access levels.", ["project_id"]),
        ("create_tag", "Create a tag on a commit, optionally with release notes.", ["project_id", "tag_name", "ref", "message"]),
        ("compare_branches", "Compare two branches, tags or commits and list the commits and diffs between them.", ["project_id", "from", "to"]),
    ],
    "linear": [
        ("create_issue", "Create a Linear issue in a team with title, description, priority and assignee.", ["team_id", "title", "description", "priority", "assignee_id"]),
        ("update_issue", "Update a Linear issue's state, priority, estimate, labels or assignee.", ["issue_id", "state_id", "priority", "assignee_id"]),
        ("search_issues", "Search Linear issues by text, state or label.", ["query", "team_id"]),
        ("list_cycles", "List a team's cycles (sprints) with their dates and progress.", ["team_id"]),
        ("add_to_cycle", "Add an issue to a cycle.", ["issue_id", "cycle_id"]),
        ("create_project", "Create a Linear project with a target date and lead.", ["name", "team_ids", "target_date", "lead_id"]),
        ("list_my_issues", "List issues assigned to the authenticated user.", ["state"]),
        ("create_comment", "Comment on a Linear issue.", ["issue_id", "body"]),
        ("get_issue", "Get a Linear issue with its history, sub-issues and attachments.", ["issue_id"]),
        ("list_labels", "List the issue labels of a team.", ["team_id"]),
    ],
    "discord": [
        ("send_message", "Send a message to a Discord channel.", ["channel_id", "content"]),
        ("read_messages", "Read recent messages from a Discord channel.", ["channel_id", "limit"]),
        ("create_thread", "Start a thread from a message or in a channel.", ["channel_id", "name", "message_id"]),
        ("add_role", "Give a server member a role.", ["guild_id", "user_id", "role_id"]),
        ("kick_member", "Remove a member from the Discord server.", ["guild_id", "user_id", "reason"]),
        ("ban_member", "Ban a user from the server and optionally delete their recent messages.", ["guild_id", "user_id", "delete_message_days"]),
        ("create_channel", "Create a text or voice channel in a server category.", ["guild_id", "name", "type", "parent_id"]),
        ("pin_message", "Pin a message in a channel.", ["channel_id", "message_id"]),
        ("create_invite", "Create an invite link for a channel with an expiry and max uses.", ["channel_id", "max_age", "max_uses"]),
        ("list_members", "List members of a Discord server with their roles.", ["guild_id", "limit"]),
    ],
    "zendesk": [
        ("create_ticket", "Create a Zendesk support ticket for a requester.", ["subject", "comment", "requester_email", "priority"]),
        ("update_ticket", "Update a ticket's status, priority, assignee or tags.", ["ticket_id", "status", "priority", "assignee_id"]),
        ("add_ticket_comment", "Add a public reply or internal note to a ticket.", ["ticket_id", "body", "public"]),
        ("search_tickets", "Search Zendesk tickets with the Zendesk search syntax.", ["query"]),
        ("get_ticket", "Get a ticket with its comments and requester.", ["ticket_id"]),
        ("apply_macro", "Apply a macro (canned response and field changes) to a ticket.", ["ticket_id", "macro_id"]),
        ("list_macros", "List the macros available to agents.", ["active"]),
        ("merge_tickets", "Merge duplicate tickets into one target ticket.", ["target_id", "source_ids"]),
        ("get_satisfaction_ratings", "List customer satisfaction (CSAT) ratings for a period.", ["score", "start_time"]),
        ("create_help_center_article", "Publish an article in the Help Center knowledge base.", ["section_id", "title", "body"]),
    ],
    "intercom": [
        ("list_conversations", "List open Intercom conversations with customers, newest first.", ["state", "assignee_id"]),
        ("reply_to_conversation", "Reply to an Intercom conversation as an admin.", ["conversation_id", "body"]),
        ("close_conversation", "Close an Intercom conversation.", ["conversation_id"]),
        ("assign_conversation", "Assign a conversation to a teammate or team inbox.", ["conversation_id", "assignee_id"]),
        ("search_contacts", "Search Intercom users and leads by email, name or attribute.", ["query"]),
        ("tag_contact", "Tag a contact.", ["contact_id", "tag"]),
        ("send_outbound_message", "Send an in-app or email message to a user.", ["user_id", "body", "message_type"]),
        ("snooze_conversation", "Snooze a conversation until a time.", ["conversation_id", "snoozed_until"]),
        ("list_articles", "List Intercom help articles.", ["state"]),
        ("add_note", "Add an internal note to a conversation, visible to teammates only.", ["conversation_id", "body"]),
    ],
    "hubspot": [
        ("create_contact", "Create a HubSpot CRM contact with email, name and company.", ["email", "firstname", "lastname", "company"]),
        ("search_contacts", "Search CRM contacts by property values.", ["filters", "limit"]),
        ("create_deal", "Create a deal in a pipeline stage with an amount and close date.", ["dealname", "pipeline", "dealstage", "amount"]),
        ("update_deal_stage", "Move a deal to another pipeline stage.", ["deal_id", "dealstage"]),
        ("associate_records", "Associate two CRM records, such as a contact with a company or deal.", ["from_object", "from_id", "to_object", "to_id"]),
        ("log_engagement", "Log a call, email or meeting on a CRM record's timeline.", ["object_id", "type", "body"]),
        ("create_company", "Create a company record with domain and industry.", ["name", "domain", "industry"]),
        ("list_pipelines", "List deal pipelines and their stages.", []),
        ("get_contact", "Get a contact with its properties and associated deals.", ["contact_id"]),
        ("enroll_in_sequence", "Enroll a contact in a sales email sequence.", ["contact_id", "sequence_id"]),
    ],
    "mailchimp": [
        ("list_audiences", "List Mailchimp audiences (lists) with subscriber counts.", []),
        ("add_subscriber", "Add or update a subscriber in an audience.", ["list_id", "email", "merge_fields", "status"]),
        ("unsubscribe", "Unsubscribe an email address from an audience.", ["list_id", "email"]),
        ("create_campaign", "Create an email campaign for an audience with a subject line.", ["list_id", "subject_line", "from_name"]),
        ("send_campaign", "Send a campaign now.", ["campaign_id"]),
        ("schedule_campaign", "Schedule a campaign to send at a time.", ["campaign_id", "schedule_time"]),
        ("campaign_report", "Get a sent campaign's opens, clicks, bounces and unsubscribes.", ["campaign_id"]),
        ("create_segment", "Create a segment of an audience from conditions.", ["list_id", "name", "conditions"]),
        ("list_templates", "List email templates.", ["type"]),
        ("send_test_email", "Send a test of a campaign to a few addresses.", ["campaign_id", "test_emails"]),
    ],
    "shopify": [
        ("list_orders", "List store orders filtered by status, financial status or date.", ["status", "financial_status", "created_at_min"]),
        ("get_order", "Get one order with its line items, customer and shipping address.", ["order_id"]),
        ("fulfill_order", "Mark order items as fulfilled with a tracking number.", ["order_id", "tracking_number", "tracking_company"]),
        ("cancel_order", "Cancel an order and optionally restock and refund it.", ["order_id", "restock", "refund"]),
        ("create_product", "Create a product with variants, price and images.", ["title", "variants", "images"]),
        ("update_inventory", "Set the available inventory quantity of a variant at a location.", ["inventory_item_id", "location_id", "available"]),
        ("create_discount_code", "Create a discount code for a price rule.", ["price_rule_id", "code"]),
        ("list_customers", "List store customers with their order counts and total spent.", ["query", "limit"]),
        ("create_refund", "Refund line items or shipping on an order.", ["order_id", "refund_line_items", "shipping"]),
        ("list_abandoned_checkouts", "List checkouts that customers started but did not complete.", ["since_id", "limit"]),
    ],
    "aws": [
        ("describe_instances", "Describe EC2 instances with their state, type, IPs and tags.", ["instance_ids", "filters"]),
        ("start_instances", "Start stopped EC2 instances.", ["instance_ids"]),
        ("stop_instances", "Stop running EC2 instances.", ["instance_ids", "force"]),
        ("create_snapshot", "Create a snapshot of an EBS volume.", ["volume_id", "description"]),
        ("invoke_lambda", "Invoke a Lambda function with a JSON payload and return its result.", ["function_name", "payload"]),
        ("update_lambda_code", "Deploy new code to a Lambda function from a zip or S3 object.", ["function_name", "zip_file", "s3_key"]),
        ("get_log_events", "Read log events from a CloudWatch Logs group and stream.", ["log_group", "log_stream", "start_time"]),
        ("get_metric_statistics", "Get CloudWatch metric statistics (average, max) for a period.", ["namespace", "metric_name", "dimensions", "period"]),
        ("authorize_security_group_ingress", "Open an inbound port range in a security group for a CIDR.", ["group_id", "port", "cidr"]),
        ("get_cost_and_usage", "Report AWS cost and usage grouped by service for a time period.", ["start", "end", "granularity"]),
    ],
    "cloudflare": [
        ("list_dns_records", "List the DNS records of a Cloudflare zone.", ["zone_id", "type", "name"]),
        ("create_dns_record", "Create a DNS record (A, CNAME, TXT, MX) in a zone.", ["zone_id", "type", "name", "content", "proxied"]),
        ("delete_dns_record", "Delete a DNS record.", ["zone_id", "record_id"]),
        ("purge_cache", "Purge cached files from Cloudflare's edge, everything or by URL.", ["zone_id", "files", "purge_everything"]),
        ("create_firewall_rule", "Create a WAF rule that blocks or challenges matching requests.", ["zone_id", "expression", "action"]),
        ("get_zone_analytics", "Get requests, bandwidth and threats served for a zone.", ["zone_id", "since"]),
        ("list_zones", "List the zones (domains) in the Cloudflare account.", []),
        ("set_ssl_mode", "Set a zone's SSL/TLS encryption mode (off, flexible, full, strict).", ["zone_id", "mode"]),
        ("deploy_worker", "Upload and deploy a Cloudflare Worker script.", ["script_name", "script"]),
        ("create_page_rule", "Create a page rule such as a redirect or cache setting for a URL pattern.", ["zone_id", "targets", "actions"]),
    ],
    "vercel": [
        ("list_deployments", "List Vercel deployments of a project with their state and URL.", ["project_id", "state", "limit"]),
        ("get_deployment_logs", "Get the build logs of a deployment.", ["deployment_id"]),
        ("create_deployment", "Deploy a Git ref of a project to preview or production.", ["project_id", "ref", "target"]),
        ("promote_deployment", "Promote a preview deployment to production.", ["deployment_id"]),
        ("rollback", "Roll production back to a previous deployment.", ["project_id", "deployment_id"]),
        ("set_env_var", "Add or update an environment variable for production, preview or development.", ["project_id", "key", "value", "target"]),
        ("list_env_vars", "List a project's environment variables.", ["project_id"]),
        ("add_domain", "Add a custom domain to a project.", ["project_id", "domain"]),
        ("list_projects", "List Vercel projects in the team.", []),
        ("cancel_deployment", "Cancel a deployment that is still building.", ["deployment_id"]),
    ],
    "gdrive": [
        ("search_files", "Search Google Drive files by name, type or full text.", ["query", "mime_type"]),
        ("read_file", "Read the content of a Drive file; Google Docs are exported as text.", ["file_id"]),
        ("upload_file", "Upload a file to a Drive folder.", ["name", "content", "parent_id"]),
        ("create_folder", "Create a folder in Google Drive.", ["name", "parent_id"]),
        ("share_file", "Share a Drive file or folder with a user or group as viewer, commenter or editor.", ["file_id", "email", "role"]),
        ("move_file", "Move a file to another folder.", ["file_id", "folder_id"]),
        ("list_permissions", "List who has access to a file and with which role.", ["file_id"]),
        ("trash_file", "Move a Drive file to the trash.", ["file_id"]),
        ("list_revisions", "List the revision history of a file.", ["file_id"]),
        ("copy_file", "Make a copy of a file.", ["file_id", "name"]),
    ],
    "dropbox": [
        ("list_folder", "List the files and folders at a Dropbox path.", ["path", "recursive"]),
        ("download", "Download a file from Dropbox.", ["path"]),
        ("upload", "Upload a file to a Dropbox path.", ["path", "content", "mode"]),
        ("create_shared_link", "Create a shared link to a Dropbox file or folder.", ["path", "expires"]),
        ("search", "Search Dropbox for files and folders by name or content.", ["query", "path"]),
        ("move", "Move or rename a file or folder.", ["from_path", "to_path"]),
        ("delete", "Delete a file or folder.", ["path"]),
        ("restore", "Restore a file to a previous revision.", ["path", "rev"]),
        ("get_space_usage", "Show how much of the Dropbox storage quota is used.", []),
        ("list_revisions", "List previous revisions of a file.", ["path", "limit"]),
    ],
    "sheets": [
        ("read_range", "Read the cell values of a range in a Google Sheets spreadsheet (A1 notation).", ["spreadsheet_id", "range"]),
        ("write_range", "Write values into a range of cells.", ["spreadsheet_id", "range", "values"]),
        ("append_rows", "Append rows after the last row of a table in a sheet.", ["spreadsheet_id", "range", "values"]),
        ("create_spreadsheet", "Create a new spreadsheet with named sheets.", ["title", "sheets"]),
        ("add_sheet", "Add a sheet (tab) to a spreadsheet.", ["spreadsheet_id", "title"]),
        ("clear_range", "Clear the values of a range.", ["spreadsheet_id", "range"]),
        ("format_cells", "Format cells: bold, colors, number format, borders.", ["spreadsheet_id", "range", "format"]),
        ("sort_range", "Sort a range by one or more columns.", ["spreadsheet_id", "range", "sort_specs"]),
        ("create_chart", "Add a chart built from a data range to a sheet.", ["spreadsheet_id", "range", "chart_type"]),
        ("find_replace", "Find and replace text across a spreadsheet.", ["spreadsheet_id", "find", "replacement"]),
    ],
    "mongodb": [
        ("find", "Find documents in a MongoDB collection matching a filter, with projection and sort.", ["database", "collection", "filter", "limit"]),
        ("aggregate", "Run an aggregation pipeline on a collection.", ["database", "collection", "pipeline"]),
        ("insert_many", "Insert documents into a collection.", ["database", "collection", "documents"]),
        ("update_many", "Update every document matching a filter.", ["database", "collection", "filter", "update"]),
        ("delete_many", "Delete every document matching a filter.", ["database", "collection", "filter"]),
        ("count_documents", "Count the documents matching a filter.", ["database", "collection", "filter"]),
        ("list_collections", "List the collections of a database.", ["database"]),
        ("create_index", "Create an index on collection fields.", ["database", "collection", "keys", "unique"]),
        ("collection_stats", "Show a collection's document count, storage size and index sizes.", ["database", "collection"]),
        ("explain", "Explain how a find or aggregate runs: the plan and the indexes used.", ["database", "collection", "query"]),
    ],
    "snowflake": [
        ("run_query", "Run a SQL query in Snowflake and return the result rows.", ["sql", "warehouse"]),
        ("list_databases", "List databases in the Snowflake account.", []),
        ("list_schemas", "List the schemas of a database.", ["database"]),
        ("describe_table", "Describe a table's columns and types.", ["database", "schema", "table"]),
        ("resume_warehouse", "Resume a suspended virtual warehouse.", ["warehouse"]),
        ("suspend_warehouse", "Suspend a virtual warehouse to stop credit usage.", ["warehouse"]),
        ("query_history", "List recent queries with their duration, status and warehouse.", ["user", "limit"]),
        ("warehouse_credit_usage", "Report credits consumed per warehouse over a period.", ["start", "end"]),
        ("create_stage", "Create a stage for loading files from cloud storage.", ["name", "url", "credentials"]),
        ("copy_into", "Load data from staged files into a table with COPY INTO.", ["table", "stage", "file_format"]),
    ],
    "grafana": [
        ("search_dashboards", "Search Grafana dashboards by title or tag.", ["query", "tag"]),
        ("get_dashboard", "Get a dashboard's panels and their queries.", ["uid"]),
        ("query_prometheus", "Run a PromQL query through a Prometheus data source.", ["datasource_uid", "expr", "start", "end"]),
        ("query_loki", "Run a LogQL query for logs through a Loki data source.", ["datasource_uid", "expr", "limit"]),
        ("list_alert_rules", "List Grafana alert rules and their state (firing, pending, normal).", ["state"]),
        ("create_silence", "Silence matching alerts in Alertmanager for a duration.", ["matchers", "starts_at", "ends_at", "comment"]),
        ("create_annotation", "Add an annotation (for example a deploy) to dashboards at a time.", ["text", "time", "tags"]),
        ("list_datasources", "List the configured data sources.", []),
        ("render_panel", "Render a dashboard panel as a PNG image.", ["uid", "panel_id", "from", "to"]),
        ("list_oncall_schedules", "List Grafana OnCall schedules and who is on shift.", ["team"]),
    ],
    "okta": [
        ("create_user", "Create an Okta user and optionally send an activation email.", ["login", "email", "first_name", "last_name", "activate"]),
        ("deactivate_user", "Deactivate a user so they can no longer sign in.", ["user_id"]),
        ("reset_password", "Start a password reset for a user.", ["user_id", "send_email"]),
        ("reset_factors", "Reset a user's MFA factors so they enroll again.", ["user_id"]),
        ("add_user_to_group", "Add a user to a group.", ["group_id", "user_id"]),
        ("list_group_members", "List the users in a group.", ["group_id"]),
        ("assign_app", "Assign an application to a user or group.", ["app_id", "user_id", "group_id"]),
        ("get_user", "Get a user's profile, status and last login.", ["user_id"]),
        ("list_system_log", "Query the System Log for sign-in and admin events.", ["filter", "since"]),
        ("unlock_user", "Unlock a user locked out after failed sign-in attempts.", ["user_id"]),
    ],
    "zoom": [
        ("create_meeting", "Schedule a Zoom meeting with a topic, start time and duration.", ["topic", "start_time", "duration", "settings"]),
        ("list_meetings", "List a user's scheduled and upcoming Zoom meetings.", ["user_id", "type"]),
        ("delete_meeting", "Delete a scheduled meeting.", ["meeting_id"]),
        ("list_recordings", "List cloud recordings for a date range.", ["user_id", "from", "to"]),
        ("get_meeting_transcript", "Get the transcript of a recorded meeting.", ["meeting_id"]),
        ("list_participants", "List who joined a past meeting and for how long.", ["meeting_id"]),
        ("create_webinar", "Schedule a webinar with registration.", ["topic", "start_time", "duration"]),
        ("add_registrant", "Register someone for a meeting or webinar.", ["meeting_id", "email", "first_name"]),
        ("update_meeting", "Change a meeting's time, topic or settings.", ["meeting_id", "start_time", "topic"]),
        ("end_meeting", "End a meeting that is in progress for everyone.", ["meeting_id"]),
    ],
    "terraform": [
        ("plan", "Run terraform plan in a workspace and show the proposed changes.", ["workspace", "variables"]),
        ("apply", "Apply a plan to create, update or destroy infrastructure.", ["workspace", "plan_id", "auto_approve"]),
        ("list_workspaces", "List Terraform Cloud workspaces in an organization.", ["organization"]),
        ("show_state", "Show the resources recorded in a workspace's state.", ["workspace", "address"]),
        ("set_variable", "Set a Terraform or environment variable on a workspace.", ["workspace", "key", "value", "sensitive"]),
        ("lock_workspace", "Lock a workspace so no runs start.", ["workspace", "reason"]),
        ("list_runs", "List recent runs of a workspace with status.", ["workspace"]),
        ("destroy", "Plan and run a destroy of all resources in a workspace.", ["workspace"]),
        ("import_resource", "Import an existing resource into the state at an address.", ["workspace", "address", "id"]),
        ("search_registry", "Search the Terraform registry for modules and providers.", ["query"]),
    ],
}
# fmt: on


def tool_name(server: str, tool: str) -> str:
    return f"mcp__{server}__{tool}"


def tool_schema(params: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {p: {"type": "string", "description": f"The {p.replace('_', ' ')}."} for p in params},
        "required": params[:1],
    }


def all_tools() -> list[tuple[str, str, dict[str, Any]]]:
    """(full name, description, input schema) for the 200 tools."""
    return [
        (tool_name(server, name), desc, tool_schema(params))
        for server, tools in CATALOG.items()
        for name, desc, params in tools
    ]


def _t(server: str, tool: str) -> str:
    return tool_name(server, tool)


# (query, expected tool(s))
QUERIES: list[tuple[str, list[str]]] = [
    # gitlab
    ("Open an MR from fix/cache into develop", [_t("gitlab", "create_merge_request")]),
    ("Which merge requests is Priya waiting on review for?", [_t("gitlab", "list_merge_requests")]),
    ("The nightly pipeline on main failed, re-run it", [_t("gitlab", "retry_pipeline")]),
    ("Why did the test job fail? Show me its output", [_t("gitlab", "get_job_log")]),
    ("Tag v3.2.0 on the release commit in GitLab", [_t("gitlab", "create_tag")]),
    ("What changed between v3.1 and v3.2?", [_t("gitlab", "compare_branches")]),
    ("LGTM, approve !118", [_t("gitlab", "approve_merge_request")]),
    # linear
    ("File a Linear issue: dark mode toggle doesn't persist", [_t("linear", "create_issue")]),
    ("Bump LIN-77 to urgent and give it to Marco", [_t("linear", "update_issue")]),
    ("What's on my plate in Linear?", [_t("linear", "list_my_issues")]),
    ("Put LIN-90 in the current cycle", [_t("linear", "add_to_cycle")]),
    ("When does the current sprint end for the platform team?", [_t("linear", "list_cycles")]),
    ("Leave a note on LIN-12 that the fix is deployed", [_t("linear", "create_comment")]),
    ("Any Linear tickets about the onboarding flow?", [_t("linear", "search_issues")]),
    # discord
    ("Announce the maintenance window in the #general Discord channel", [_t("discord", "send_message")]),
    ("Give @sam the moderator role", [_t("discord", "add_role")]),
    ("Ban that spammer from our server", [_t("discord", "ban_member")]),
    ("Make an invite link that expires in a day", [_t("discord", "create_invite")]),
    ("Catch me up on the last 50 messages in #dev on Discord", [_t("discord", "read_messages")]),
    ("Pin the release notes message", [_t("discord", "pin_message")]),
    # zendesk
    ("Open a support ticket for jane@corp.com: cannot reset password", [_t("zendesk", "create_ticket")]),
    ("Set ticket 5512 to solved", [_t("zendesk", "update_ticket")]),
    ("Answer ticket 5512 with the refund policy macro", [_t("zendesk", "apply_macro")]),
    ("These three tickets are the same problem, combine them", [_t("zendesk", "merge_tickets")]),
    ("How happy were customers with support last month?", [_t("zendesk", "get_satisfaction_ratings")]),
    ("Write a help center article on exporting invoices", [_t("zendesk", "create_help_center_article")]),
    ("Find Zendesk tickets tagged billing from this week", [_t("zendesk", "search_tickets")]),
    # intercom
    ("Which customer chats are still open in Intercom?", [_t("intercom", "list_conversations")]),
    (
        "Reply to that Intercom conversation saying we shipped the fix",
        [_t("intercom", "reply_to_conversation")],
    ),
    ("Hand this conversation to the billing team", [_t("intercom", "assign_conversation")]),
    ("Remind me about this chat tomorrow morning", [_t("intercom", "snooze_conversation")]),
    (
        "Leave an internal note for teammates on the conversation",
        [_t("intercom", "add_note"), _t("zendesk", "add_ticket_comment")],
    ),
    # hubspot
    ("Add Maria Lopez from Acme to the CRM", [_t("hubspot", "create_contact")]),
    ("New deal: Acme renewal, $40k, closing in March", [_t("hubspot", "create_deal")]),
    ("Move the Acme deal to contract sent", [_t("hubspot", "update_deal_stage")]),
    ("Link Maria's contact to the Acme company record", [_t("hubspot", "associate_records")]),
    ("I just had a call with Maria, record it in HubSpot", [_t("hubspot", "log_engagement")]),
    ("Put the new leads into the follow-up email sequence", [_t("hubspot", "enroll_in_sequence")]),
    # mailchimp
    ("How many subscribers does our newsletter list have?", [_t("mailchimp", "list_audiences")]),
    ("Sign bob@example.com up for the newsletter", [_t("mailchimp", "add_subscriber")]),
    ("Remove alice@example.com from the mailing list", [_t("mailchimp", "unsubscribe")]),
    ("Send the spring sale newsletter tomorrow at 9am", [_t("mailchimp", "schedule_campaign")]),
    ("What was the open rate of last week's newsletter?", [_t("mailchimp", "campaign_report")]),
    ("Send me a test of the campaign before it goes out", [_t("mailchimp", "send_test_email")]),
    # shopify
    ("Show today's unfulfilled orders in the shop", [_t("shopify", "list_orders")]),
    ("Ship order #1043 with UPS tracking 1Z999", [_t("shopify", "fulfill_order")]),
    ("Customer changed their mind, cancel order 1044 and restock", [_t("shopify", "cancel_order")]),
    ("We have 25 of the blue mug left in the warehouse, update stock", [_t("shopify", "update_inventory")]),
    ("Make a WELCOME10 discount code", [_t("shopify", "create_discount_code")]),
    ("Who left items in their cart without buying?", [_t("shopify", "list_abandoned_checkouts")]),
    ("Refund the shipping on order 1050", [_t("shopify", "create_refund")]),
    # aws
    ("Which EC2 instances are running in prod?", [_t("aws", "describe_instances")]),
    ("Shut down the staging EC2 box for the weekend", [_t("aws", "stop_instances")]),
    ("Back up the database volume before the migration", [_t("aws", "create_snapshot")]),
    ("Call the resize-image Lambda with this payload", [_t("aws", "invoke_lambda")]),
    ("Show me the CloudWatch logs for the api function from the last hour", [_t("aws", "get_log_events")]),
    (
        "Allow port 443 from anywhere on the web security group",
        [_t("aws", "authorize_security_group_ingress")],
    ),
    ("What did we spend on AWS last month, by service?", [_t("aws", "get_cost_and_usage")]),
    # cloudflare
    ("Point blog.example.com at our server with a CNAME", [_t("cloudflare", "create_dns_record")]),
    ("Clear the Cloudflare cache after the deploy", [_t("cloudflare", "purge_cache")]),
    ("Block traffic from that abusive IP range at the edge", [_t("cloudflare", "create_firewall_rule")]),
    ("Switch example.com to full strict TLS", [_t("cloudflare", "set_ssl_mode")]),
    ("Redirect www to the apex domain", [_t("cloudflare", "create_page_rule")]),
    ("Ship the new edge worker script", [_t("cloudflare", "deploy_worker")]),
    # vercel
    ("Why did the last Vercel build fail?", [_t("vercel", "get_deployment_logs")]),
    ("The new release is broken, roll production back on Vercel", [_t("vercel", "rollback")]),
    ("Add STRIPE_KEY to the production environment of the web project", [_t("vercel", "set_env_var")]),
    ("Put the preview build live in production", [_t("vercel", "promote_deployment")]),
    ("Connect shop.example.com to the storefront project", [_t("vercel", "add_domain")]),
    # gdrive
    ("Find the Q3 planning doc in Drive", [_t("gdrive", "search_files")]),
    ("Give Tom edit access to the budget spreadsheet file", [_t("gdrive", "share_file")]),
    ("Who can see the contracts folder?", [_t("gdrive", "list_permissions")]),
    ("Make a new folder called Invoices 2026 in Drive", [_t("gdrive", "create_folder")]),
    ("What does the onboarding doc in Google Drive say?", [_t("gdrive", "read_file")]),
    # dropbox
    ("Send me a link to the design assets folder on Dropbox", [_t("dropbox", "create_shared_link")]),
    ("How full is our Dropbox?", [_t("dropbox", "get_space_usage")]),
    ("I overwrote plan.docx on Dropbox, bring back yesterday's version", [_t("dropbox", "restore")]),
    ("Rename report-final.pdf to report-2026.pdf in Dropbox", [_t("dropbox", "move")]),
    # sheets
    ("Add these three expenses as new rows to the tracker sheet", [_t("sheets", "append_rows")]),
    ("What's in cells A1:D20 of the budget spreadsheet?", [_t("sheets", "read_range")]),
    ("Make the header row bold and green", [_t("sheets", "format_cells")]),
    ("Turn the monthly totals into a bar chart", [_t("sheets", "create_chart")]),
    ("Order the sheet by revenue, highest first", [_t("sheets", "sort_range")]),
    # mongodb
    ("Find users in Mongo whose plan is trial", [_t("mongodb", "find")]),
    ("How many orders documents have status pending?", [_t("mongodb", "count_documents")]),
    ("Group the events collection by type and count them", [_t("mongodb", "aggregate")]),
    ("Is my Mongo query using an index?", [_t("mongodb", "explain")]),
    ("Delete all sessions older than 30 days from the collection", [_t("mongodb", "delete_many")]),
    # snowflake
    ("Run this SQL on the analytics warehouse in Snowflake", [_t("snowflake", "run_query")]),
    ("We're burning credits overnight, suspend the ETL warehouse", [_t("snowflake", "suspend_warehouse")]),
    (
        "Which Snowflake warehouse used the most credits this month?",
        [_t("snowflake", "warehouse_credit_usage")],
    ),
    ("Load the CSV files from the S3 stage into the events table", [_t("snowflake", "copy_into")]),
    ("What were the slowest queries run yesterday?", [_t("snowflake", "query_history")]),
    # grafana
    ("Which alerts are firing right now?", [_t("grafana", "list_alert_rules")]),
    ("Mute the disk alerts for two hours while we migrate", [_t("grafana", "create_silence")]),
    ("Mark the 14:00 deploy on the dashboards", [_t("grafana", "create_annotation")]),
    ("Graph the request rate with PromQL for the last day", [_t("grafana", "query_prometheus")]),
    ("Search the Loki logs for 'timeout' in the checkout app", [_t("grafana", "query_loki")]),
    # okta
    ("Onboard our new hire Li Wei with an Okta account", [_t("okta", "create_user")]),
    ("Jo left the company today, cut off her access", [_t("okta", "deactivate_user")]),
    ("Sam lost his phone and can't do MFA", [_t("okta", "reset_factors")]),
    ("Sam is locked out after too many wrong passwords", [_t("okta", "unlock_user")]),
    ("Who signed in from an unusual country this week?", [_t("okta", "list_system_log")]),
    # zoom
    ("Set up a Zoom call with the design team tomorrow at 2 for an hour", [_t("zoom", "create_meeting")]),
    ("Get me the transcript of yesterday's all-hands", [_t("zoom", "get_meeting_transcript")]),
    ("Who attended the customer webinar, and for how long?", [_t("zoom", "list_participants")]),
    ("Push my 3pm Zoom to 4pm", [_t("zoom", "update_meeting")]),
    # terraform
    ("What would change if I apply the networking workspace?", [_t("terraform", "plan")]),
    ("Tear down everything in the sandbox workspace", [_t("terraform", "destroy")]),
    ("Bring the existing S3 bucket under Terraform management", [_t("terraform", "import_resource")]),
    ("Is there a community module for an EKS cluster?", [_t("terraform", "search_registry")]),
    ("Freeze the prod workspace during the audit", [_t("terraform", "lock_workspace")]),
]
