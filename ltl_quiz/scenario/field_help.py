"""What every field of the scenario format is for, in one place.

The JSON Schema's descriptions (what an editor shows on hover) and the skeleton's comments both
come from here, and a test checks that every field the model defines has an entry, so neither
can fall behind the format.
"""

from __future__ import annotations

from ltl_quiz.scenario import model

FIELD_HELP: dict[type, dict[str, str]] = {
    model.Scenario: {
        "id": "Stable identifier: lower-case letters, digits and hyphens. Never change it once learners have attempts.",
        "title": "The case study's title as the learning report gives it.",
        "summary": "Two or three sentences shown by 'ltl-quiz list' and 'ltl-quiz show'.",
        "source": "Where the case comes from, so every record can point back to the learning report.",
        "themes": "Short themes, e.g. 'child sexual exploitation', 'call handling'.",
        "audiences": "The tracks offered: officer, manager (both for every case study).",
        "minutes": "Estimated minutes for one track (1 to 600).",
        "pass_mark": "Percent of the best reachable score needed to pass (0 to 100).",
        "version": "Content version (1 or more): raise it whenever scoring or wording changes.",
        "content_note": "Shown before anything else, with the choice to leave. Mention 'ltl-quiz support'.",
        "roles": "The role the learner plays on each track, e.g. 'You are a force control room call handler.'",
        "start": "The id of the first node, for every track.",
        "nodes": "The graph: node id -> node. Ids are slugs that mean something, e.g. call-graded.",
        "case": "The real case, shown in the debrief after the learner's own path.",
    },
    model.Source: {
        "publication": "Learning the Lessons.",
        "issue": "The issue number of Learning the Lessons.",
        "case_study": "The case study's number in the issue (1 or more).",
        "url": "The web address of the case's learning report (https://...).",
    },
    model.Node: {
        "type": "passage (read on), decision (choose one), multi (choose all that apply), reflection (write an answer) or end.",
        "track": "officer or manager: the node belongs to that track only. Leave it out for a node that serves both.",
        "title": "A short heading for the panel (an end node's title names the ending).",
        "text": "Narrative shown before the node's prompt; for an end node, what happens next. Quote what people in the case said in quotation marks.",
        "prompt": "The question a decision or multi node asks.",
        "options": "The choices (2 or more). Each has an id, text, points, feedback and cites.",
        "next": "Where to go next: a node id, or a list of routes tried in order (the last has only 'goto').",
        "key_question": "A reflection node asks this key question: an id from case.key_questions of the node's track.",
        "feedback": "An end node's feedback: what this ending teaches.",
        "matches_real_case": "true on the ending that matches what really happened.",
    },
    model.Option: {
        "id": "Unique within the node: lower-case letters, digits and hyphens.",
        "text": "What the learner sees and chooses.",
        "feedback": "Why the option is right or wrong, naming the guidance it rests on.",
        "points": "Score for choosing it. At least 0 on a decision; may be negative on a multi (a wrong action).",
        "competencies": "Points per competency: vulnerability, professional_curiosity, risk_assessment, evidence, recording, supervision, multi_agency, victim_voice.",
        "cites": "Ids of the case.references entries the feedback rests on.",
        "critical": "true if choosing it is a failure no score can make up for (a child left unsafeguarded, a power used unlawfully, an untrue record): the attempt cannot pass, and the feedback says why.",
        "sets": "Flags set when the option is chosen, read later by routes ('if' / 'unless').",
        "next": "Decision options only: where this option leads (else the node's 'next').",
        "real_case": "What the real officers or staff did, if this option repeats it: did (failing or good) and a note naming it and what the report says of it.",
    },
    model.RealCase: {
        "did": "failing: repeats a failing the report records (the attempt must not be able to pass); good: repeats what the real people did well.",
        "note": "What the real officers or staff did and what the learning report says about it, shown in the debrief.",
    },
    model.Route: {
        "goto": "The node this route leads to.",
        "if": "Flags that must all be set for this route.",
        "unless": "Flags that must all be unset for this route.",
        "track": "The route is taken only on this track.",
    },
    model.Case: {
        "what_happened": "What actually happened, faithful to the learning report.",
        "outcomes": "The outcomes for the officers and staff involved.",
        "force_actions": "The action taken by the force.",
        "references": "Legislation, guidance, policy, research or sidebars the case cites.",
        "key_questions": "Per track: the learning report's key questions, word for word, each with 3 to 6 model points.",
    },
    model.Reference: {
        "id": "The id that options' 'cites' name.",
        "title": "The reference's title.",
        "kind": "legislation, guidance, policy, research or sidebar.",
        "quote": "The passage the learning report quotes, word for word.",
        "url": "Where to read it.",
    },
    model.KeyQuestion: {
        "id": "The id a reflection node's key_question names, and answers files use.",
        "question": "The key question, word for word from the learning report.",
        "model_points": "3 to 6 points a full answer covers, drawn from the case and its guidance.",
    },
}
