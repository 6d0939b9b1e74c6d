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
