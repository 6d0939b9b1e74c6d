"""Every action id, callback id and block id the bot uses, in one place.

Listeners register on these constants and builders emit them, so a rename cannot leave a button
without its handler.
"""

# Slash command
COMMAND = "/workshop"

# Callback ids (modals)
SETUP_MODAL = "workshop_setup"

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
SETUP_VOTE_BUDGET = "vote_budget"
SETUP_MAX_VOTES_PER_FIX = "max_votes_per_fix"
SETUP_OPTIONS = "options"
SETUP_CO_FACILITATORS = "co_facilitators"
OPTION_LIVE_TALLIES = "live_tallies"
INPUT = "value"  # the single element inside each input block

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
