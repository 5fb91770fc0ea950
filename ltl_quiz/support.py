"""Where to find support: the "Support and information" page of Learning the Lessons issue 39.

Kept as data in the package (not in a scenario) so ``ltl-quiz support`` works even when no
scenario loads. The entries and descriptions are the seed's own, in its order, except that the two
services for police staff's own wellbeing come first (``POLICE_STAFF``).
"""

from __future__ import annotations

from typing import NamedTuple

SUPPORT_HINT = (
    "If anything in this case has affected you, support is one command away. It lists the "
    "organisations named in Learning the Lessons issue 39 (Samaritans are open 24/7; police staff "
    "can also turn to Oscar Kilo, the National Police Wellbeing Service):"
)
SUPPORT_COMMAND = "ltl-quiz support"  # on a line of its own after SUPPORT_HINT: copied whole, it runs (no quotes, no full stop)


# The issue lists Oscar Kilo and Mind's Blue Light Programme under "Resources for professionals", near
# the end; the end-of-case text sends police staff to Oscar Kilo, so they come first, under a heading
# that says whom they are for and where the issue lists them.
POLICE_STAFF = "Police staff wellbeing (the issue lists these under Resources for professionals)"
# The issue names a telephone helpline but gives only its web address: we say so rather than give a
# number it does not print.
NO_NUMBER = "(Learning the Lessons issue 39 gives its web address, not a telephone number.)"


class Service(NamedTuple):
    name: str
    url: str
    about: str


SUPPORT: dict[str, list[Service]] = {
    POLICE_STAFF: [
        Service(
            "Oscar Kilo",
            "https://oscarkilo.org.uk/",
            "Oscar Kilo is the home of the National Police Wellbeing Service and brings assessment, learning and conversation about emergency services wellbeing into one place.",
        ),
        Service(
            "Mind – Blue Light Programme",
            "https://www.mind.org.uk/news-campaigns/campaigns/blue-light-programme/",
            "Support and information for staff, volunteers and employers in the emergency services to help you and your colleagues to cope during the pandemic and beyond.",
        ),
    ],
    "General": [
        Service(
            "Crimestoppers", "www.crimestoppers-uk.org", "If you have intelligence that may help the police you can contact Crimestoppers."
        ),
        Service(
            "Know About CSE",
            "www.knowaboutcse.co.uk",
            "An agency which provides advice on child sexual exploitation to victims, families and professionals.",
        ),
        Service("Lucy Faithfull Foundation", "www.lucyfaithfull.org.uk", "UK-wide charity dedicated to tackling child sexual abuse."),
        Service(
            "National Society for the Prevention of Cruelty to Children (NSPCC)",
            "www.nspcc.org.uk",
            "Support and information for children and anyone worried about a child, and resources for professionals.",
        ),
        Service(
            "Rape Crisis – National Telephone Helpline",
            "https://www.rasasc.org.uk/",
            "The National Helpline is provided by Rape Crisis South London. It offers confidential emotional support, information and referral details. "
            + NO_NUMBER,
        ),
        Service(
            "Rape Crisis – Live Chat Helpline",
            "https://rapecrisis.org.uk/get-help/live-chat-helpline/about-the-live-chat-helpline/",
            "The one-to-one Live Chat Helpline is a free, confidential emotional support service for women and girls aged 16 and over who have experienced sexual violence.",
        ),
        Service(
            "Respond",
            "www.respond.org.uk",
            "Services for people with a learning disability, autism or both, who have experienced abuse or trauma.",
        ),
        Service("Samaritans", "www.samaritans.org", "Samaritans are open 24/7 for anyone who needs to talk."),
        Service(
            "Stop It Now!",
            "www.stopitnow.org.uk",
            "A confidential helpline available to anyone with concerns about child sexual abuse including adults worried about the "
            "behaviour of other adults or children and young people, those worried about their own sexual thoughts or behaviours "
            "towards children, friends and relatives of people arrested for sexual offending, and any other adult with a concern "
            "about child sexual abuse including survivors and professionals.",
        ),
        Service(
            "Survivors UK",
            "https://www.survivorsuk.org/",
            "Survivors UK provides an online helpline and a searchable database of specialist support services for men and boys.",
        ),
        Service(
            "Victim Support",
            "www.victimsupport.org.uk",
            "Provides emotional and practical support for people affected by crime and traumatic events.",
        ),
    ],
    "Children and young people": [
        Service("Children's Society", "www.childrenssociety.org.uk", "Runs services for children and young people across the UK."),
        Service(
            "Childline",
            "www.childline.org.uk",
            "Support for children and young people in the UK, including a free helpline and 1-2-1 online chats with counsellors.",
        ),
        Service(
            "FACE (Fighting Against Child Exploitation) up 2 it",
            "www.faceup2it.org",
            "An organisation set up by young people with an awareness of the dangers of grooming and sexual exploitation with the aim of helping other vulnerable young people.",
        ),
        Service(
            "Fearless",
            "www.fearless.org",
            "Young people can access non-judgemental information and advice about crime and criminality, and provide information about crime anonymously.",
        ),
    ],
    "Adult survivors": [
        Service(
            "Help for Adult Victims of Child Abuse (HAVOCA)",
            "www.havoca.org",
            "Information and support for adults who have experienced any type of childhood abuse, run by survivors.",
        ),
        Service(
            "National Association for People Abused in Childhood (NAPAC)",
            "www.napac.org.uk",
            "Supports adult survivors of any form of childhood abuse. Offers a helpline, email support and local services.",
        ),
        Service("Support for Survivors", "www.supportforsurvivors.org", "Support for adult survivors of child abuse."),
    ],
    "Parents and families": [
        Service(
            "Parents Against Child Exploitation (PACE)",
            "https://paceuk.info",
            "Supports parents and carers whose children are being exploited by offenders outside of the family.",
        ),
    ],
    "Resources for professionals": [
        Service(
            "CSE Toolbox",
            "https://www.childrenssociety.org.uk/information/professionals/resources/cse-toolkit-supporting-parents-carers",
            "A toolbox intended to help professionals explore the vulnerabilities and indicators of risk present in the case of a child or young person that may be experiencing or at risk of sexual exploitation.",
        ),
        Service(
            "National Society for the Prevention of Cruelty to Children (NSPCC)",
            "https://learning.nspcc.org.uk/child-abuse-and-neglect/recognising-and-responding-to-abuse",
            "Guidance for professionals on recognising and responding to abuse.",
        ),
        Service(
            "NWG Exploitation Response Unit",
            "www.nwgnetwork.org/",
            "Provides support and advice to those working with children and young people under eighteen who are affected by abuse through exploitation.",
        ),
    ],
    "Other resources": [
        Service(
            "NHS – Help after rape and sexual assault",
            "https://www.nhs.uk/live-well/sexual-health/help-after-rape-and-sexual-assault/",
            "Provides details of information, advice and support available to people affected by rape and sexual assault.",
        ),
        Service(
            "The Survivor's Trust", "https://www.thesurvivorstrust.org/find-support", "Provides a list of national and regional services."
        ),
        Service(
            "gov.uk – Safeguarding children",
            "https://www.gov.uk/topic/schools-colleges-childrens-services/safeguarding-children",
            "Useful information and resources for schools, colleges and children's services.",
        ),
        Service("gov.uk – Report child abuse", "https://www.gov.uk/report-child-abuse", "Find out more about how to report child abuse."),
    ],
}
