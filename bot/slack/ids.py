"""Every action id, callback id and block id the bot uses, in one place.

Listeners register on these constants and builders emit them, so a rename cannot leave a button
without its handler.
"""

# Slash command
COMMAND = "/workshop"

# Callback ids (modals)
SETUP_MODAL = "workshop_setup"  # step 1: title, journey template, voting
SETUP_STAGES_MODAL = "workshop_setup_stages"  # step 2: the journey, stage by stage

# Action ids (buttons and menus)
JOIN_WORKSHOP = "workshop_join"
PHASE_ADVANCE = "phase_advance"
PHASE_BACK = "phase_back"
PHASE_SKIP = "phase_skip"
PHASE_CLOSE = "phase_close"
PHASE_REOPEN = "phase_reopen"
PHASE_ACTIONS = (PHASE_ADVANCE, PHASE_BACK, PHASE_SKIP, PHASE_CLOSE, PHASE_REOPEN)

# Block ids and action ids of the setup modal's inputs (block id == field name in flows)
SETUP_TITLE = "title"
SETUP_JOURNEY = "journey"
SETUP_TEMPLATE = "template"  # the journey template select (step 1)
SETUP_ADD_STAGE = "setup_add_stage"  # step 2's "Add a stage" button
# Step 2's stage rows use flows.journey_templates.stage_field as block ids ("stage_name:0",
# "stage_touchpoints:0"), so the flows' field errors map onto them one to one.
SETUP_VOTE_BUDGET = "vote_budget"
SETUP_MAX_VOTES_PER_FIX = "max_votes_per_fix"
SETUP_OPTIONS = "options"
SETUP_CO_FACILITATORS = "co_facilitators"
OPTION_LIVE_TALLIES = "live_tallies"
INPUT = "value"  # the single element inside each input block

# Stakeholder mapping -----------------------------------------------------------------------
ADD_STAKEHOLDER = "stakeholder_add"  # board button and list button; value: workshop id
RATE_STAKEHOLDERS = "stakeholder_rate"  # board button; value: workshop id
STAKEHOLDER_MENU = "stakeholder_menu"  # overflow in the list; option value: "edit|12", "remove|12"
STAKEHOLDER_LIST_PREVIOUS = "stakeholder_list_previous"  # list paging; value: "workshop id|offset"
STAKEHOLDER_LIST_NEXT = "stakeholder_list_next"
STAKEHOLDER_LIST_ROW = "stakeholder"  # block id of a row in the list: "stakeholder:12"
STAKEHOLDER_MODAL = "stakeholder_form"  # add and edit (metadata names the stakeholder on edit)
RATING_MODAL = "stakeholder_rating"  # one page of ratings; metadata: workshop id, last id shown
REMOVE_STAKEHOLDER_MODAL = "stakeholder_remove"
# Block ids of the stakeholder form (== the field names in flows.stakeholders). The rating
# form's block ids are flows.stakeholders.rating_field(axis, stakeholder id): "influence:12".
STAKEHOLDER_NAME = "name"
STAKEHOLDER_CATEGORY = "category"
STAKEHOLDER_ATTITUDE = "attitude"
STAKEHOLDER_NOTE = "note"
STAKEHOLDER_TOUCHPOINTS = "touchpoints"

# KPIs: /workshop kpi (record a value), /workshop kpi define, /workshop kpis (table and chart).
# The record modal's block ids are the field names flows/kpis.py reports errors under.
KPI_RECORD_MODAL = "kpi_record"
KPI_DEFINE_MODAL = "kpi_define"
KPI_FIELD_KPI = "kpi"
KPI_FIELD_STAGE = "stage"
KPI_FIELD_VALUE = "value"
KPI_FIELD_RAW = "raw"
KPI_FIELD_PERIOD_END = "period_end"
KPI_FIELD_TARGET = "target"
KPI_FIELD_BENCHMARK = "benchmark"
KPI_FIELD_BENCHMARK_SOURCE = "benchmark_source"
KPI_DEFINE_NAME = "kpi_name"
KPI_DEFINE_UNIT = "kpi_unit"
KPI_DEFINE_DIRECTION = "kpi_direction"
KPI_DEFINE_MIN = "kpi_min"
KPI_DEFINE_MAX = "kpi_max"
KPI_HIGHER_IS_BETTER = "higher"
KPI_LOWER_IS_BETTER = "lower"
KPI_TABLE_ACTIONS = "kpi_actions"  # the actions block under a posted KPI table
KPI_OPEN_RECORD = "kpi_open_record"  # its "Record a value" button
# Digests, schedules, App Home and exports (issue 7)
DIGEST_MODAL = "digest_schedule"
DIGEST_OPEN_BOARD = "digest_open_board"  # URL buttons: the clicks are only acknowledged
HOME_OPEN_BOARD = "home_open_board"
HOME_START_WORKSHOP = "home_start_workshop"  # a newcomer's Home: pick a channel, then set up
START_CHANNEL_MODAL = "workshop_start_channel"  # the channel picker it opens
START_CHANNEL = "channel"  # its one input (block id)
SCHEDULE_PAUSE = "digest_schedule_pause"
SCHEDULE_RESUME = "digest_schedule_resume"
SCHEDULE_DELETE = "digest_schedule_delete"
SCHEDULE_SEND_NOW = "digest_schedule_send_now"
SCHEDULE_ACTIONS = (SCHEDULE_PAUSE, SCHEDULE_RESUME, SCHEDULE_DELETE, SCHEDULE_SEND_NOW)
HOME_PAGE_PREV = "home_page_prev"  # the value is the page to show
HOME_PAGE_NEXT = "home_page_next"
# Following workshops (issue 18): the value is the workshop's number
FOLLOW_WORKSHOP = "follow_workshop"
UNFOLLOW_WORKSHOP = "unfollow_workshop"
# Block ids of the schedule modal's inputs (block id == field name in flows.schedules)
DIGEST_CADENCE = "cadence"
DIGEST_TIME = "time"
DIGEST_TIMEZONE = "timezone"
DIGEST_WEEKDAY = "weekday"
DIGEST_DAY_OF_MONTH = "day_of_month"
DIGEST_CRON = "cron"
DIGEST_CHANNEL = "channel"
DIGEST_RECIPIENTS = "recipients"

# Gap rating (issue 4). The answer inputs of the rating form use flows.gaps.ratings.field_key
# as block id ("expectation:12", "experience:12", "importance:12", "comment:12"), so the flows'
# field errors map onto the form's blocks one to one.
RATE_OPEN = "gaps_rate_open"  # board / nudge DM button: open the rating form (value: workshop)
RATE_NUDGE = "gaps_nudge"  # board button: DM participants who have not rated (facilitators)
GAPS_HOW_TO_READ = "gaps_how_to_read"  # results button: the statistics note (value: "12|1")
RATE_NEW_ROUND = "gaps_new_round"  # results button: open the next round (value: "12|1")
RATE_MODAL = "gaps_rating_form"  # callback id of every page of the rating form
RATE_DONE_MODAL = "gaps_rating_done"  # callback id of the closing progress view
# Block id prefix of the form's "After saving, go to" select. Each render gets its own block id
# ("gaps_go_to:2:5": page, answers so far), because Slack keeps what was picked in a block with
# the same id across views.update, and a stale pick would send the rater to the wrong page.
RATE_GO_TO = "gaps_go_to"
RATE_GO_TO_FINISH = "finish"  # that select's option to finish and see one's progress
# Journey lanes (issue 17): channels, personas, the emotion curve. The channel form's block ids
# are flows.channels.channel_field(touchpoint id): "channel:12".
CHANNELS_MODAL = "lanes_channels"  # callback id of every page of the channel form
PERSONA_ADD_MODAL = "lanes_persona_add"  # facilitators add a persona
PERSONA_CHOICE_MODAL = "lanes_persona_choice"  # a rater picks the persona they rate for
# The persona forms' block ids are the field names in flows.personas (PERSONA_NAME, …).
RATE_DETAILS_MODAL = "gaps_rating_details"  # callback id of the optional details pages
RATE_DONE_ACTIONS = "gaps_done_actions"  # the done view's actions block:
RATE_RESUME = "gaps_resume"  # "Rate the rest ▶" (value: the page to open)
RATE_DETAILS_OPEN = "gaps_details_open"  # "Add importance & comments" (value: details page)
RATE_PAGE_PICK = "gaps_page_pick"  # "Change a page" select (option values: pages)
# Fixes, dot voting and action items ---------------------------------------------------------
# Callback ids (modals)
FIX_MODAL = "fix_modal"
FIX_REMOVE_MODAL = "fix_remove_modal"
FIX_MERGE_MODAL = "fix_merge_modal"
VOTE_MODAL = "vote_modal"
ACTION_ITEMS_PICK_MODAL = "action_items_pick"
ACTION_ITEMS_MODAL = "action_items_modal"

# Action ids
FIX_PROPOSE = "fix_propose"  # board and list button: open the fix form
FIX_MENU = "fix_menu"  # overflow on a fix in `/workshop fixes`: edit, remove, merge
FIX_LIST_PREVIOUS = "fix_list_previous"  # `/workshop fixes` paging; value: "workshop id|page"
FIX_LIST_NEXT = "fix_list_next"
FIX_MERGE_SEARCH = "fix_merge_search"  # the merge form's external select (block_suggestion)
ACTION_ITEMS_FIX_SEARCH = "action_items_fix_search"  # the pick form's external multi-select
RANKING_PREVIOUS = "ranking_previous"  # `/workshop ranking` paging; value: "workshop id|page"
RANKING_NEXT = "ranking_next"
ACTION_LIST_PREVIOUS = "action_list_previous"  # `/workshop actions` paging: "workshop id|page"
ACTION_LIST_NEXT = "action_list_next"
VOTE_OPEN = "vote_open"  # board and thread button: open the voting view
VOTE_ADD = "vote_add"  # value "fix|shown|wanted", a compare-and-set (see flows/voting.py)
VOTE_REMOVE = "vote_remove"
VOTE_PAGE_PREVIOUS = "vote_page_previous"
VOTE_PAGE_NEXT = "vote_page_next"
ACTION_ITEMS_CREATE = "action_items_create"
ACTION_ITEM_STATUS_OPEN = "action_item_open"  # value "item|status", in the owner's DM
ACTION_ITEM_STATUS_IN_PROGRESS = "action_item_in_progress"
ACTION_ITEM_STATUS_DONE = "action_item_done"
ACTION_ITEM_STATUSES = (
    ACTION_ITEM_STATUS_OPEN,
    ACTION_ITEM_STATUS_IN_PROGRESS,
    ACTION_ITEM_STATUS_DONE,
)

# Block ids of the fix, merge and action-item forms (block id == field name in flows)
FIX_TITLE = "title"
FIX_TOUCHPOINT = "touchpoint"
FIX_DESCRIPTION = "description"
FIX_EFFORT = "effort"
FIX_IMPACT = "impact"
FIX_MERGE_TARGET = "target"
ACTION_ITEMS_FIXES = "fixes"
# Per fix in the action-items form: flows.actions.owner_field(fix_id) / due_field(fix_id)

# Results that could not be posted in the board's thread ------------------------------------
# In the facilitator's private notice; value "workshop id|what|token"
# (bot.workshop.blocks.results_posts)
RESULTS_POST_AGAIN = "results_post_again"

# Customers' voice: /workshop customers (the import form) and /workshop customers show.
CUSTOMERS_IMPORT_MODAL = "customers_import"
CUSTOMERS_FIELD_ANSWERS = "customers_answers"
CUSTOMERS_FIELD_SCALE = "customers_scale"
CUSTOMERS_FIELD_DATE = "customers_date"
CUSTOMERS_FIELD_FILE = "customers_file"
# Deadlines and scheduled rounds (bot/rounds) -------------------------------------------------
DEADLINE_MODAL = "rounds_deadline"  # metadata: workshop id, channel
DEADLINE_DATE = "deadline_date"  # block ids == field names in flows.rounds
DEADLINE_TIME = "deadline_time"
DEADLINE_TIMEZONE = "deadline_timezone"
ROUNDS_MODAL = "rounds_schedule"  # metadata: workshop id, channel
ROUND_CADENCE = "round_cadence"
ROUND_TIME = "round_time"
ROUND_TIMEZONE = "round_timezone"
ROUND_OPEN_DAYS = "round_open_days"
ROUND_CLOSE_TIME = "round_close_time"
ROUND_CRON = "round_cron"
# Comparing workshops (bot/compare): a suggested touchpoint match, confirmed or rejected ---------
COMPARE_CONFIRM = "compare_match_confirm"
COMPARE_REJECT = "compare_match_reject"
