"""The values generated records draw from: media types and their weights, and pools of names,
people, organisations, places, user agents and pages, with the accents, CJK text, commas and
quotes real accounts hold (so every client path meets them).

Kept apart from record_factory.py, which decides how records are built from them.
"""

from __future__ import annotations

import string

MEDIA_TYPES = ("Video", "Audio", "Image", "PdfDocument", "MicrosoftOfficeDocument")
MEDIA_TYPE_WEIGHTS = (78, 10, 6, 4, 2)
_ALNUM = string.digits + string.ascii_lowercase

PROJECT_NAMES = (
    "Marketing",
    "Produits & démos",
    "Webinars, 2025 season",
    'The "Big" Launch',
    "日本語チャンネル",
    "Über uns",
    "Customer stories",
    "Support, FAQ & how-tos",
)
PROJECT_DESCRIPTIONS = (
    None,
    "",
    "Videos for the café team",
    'All "launch" material, 2025',
    "Öffentliche Videos: 日本語 included",
)
MEDIA_NAMES = (
    "Product tour",
    "Café tutorial: épisode",
    'Interview: "Why we build"',
    "Q3 results, part",
    "日本語の紹介ビデオ",
    "Grüße aus München",
    "Onboarding 101",
    "Webinar recording",
    'Customer story: Müller, "Söhne" & Co.',
    "Feature spotlight",
    "Behind the scenes",
    "Naïve Bayes, explained",
)
MEDIA_DESCRIPTIONS = (
    "",
    "<p>A short overview of the product.</p>",
    'Our "secret" sauce, explained in plain words, with examples.',
    "Démonstration complète — sous-titres en français.",
    "日本語の字幕付き",
)
SECTIONS = ("Getting started", "Advanced, for experts", "Bonus «extras»")
TAGS = ("marketing", "démo", "Q&A", "日本語", "how-to", "webinar", "product, launch", 'the "best"')
SUBFOLDER_NAMES = ("Raw footage", "Édition finale", 'Clips, "shorts" & teasers', None)

PEOPLE = (
    ("José", "García"),
    ("Zoë", "Müller"),
    ("太郎", "山田"),
    ("Jane", "Smith"),
    ("Chloé", "Dubois"),
    ("Jürgen", "Schäfer"),
    ("Ana", "Conceição"),
    ("Sven", "Ødegaard"),
    ("Priya", "Patel"),
    ("Liam", "O'Brien"),
    ("Mei", "Chen"),
    ("Ünal", "Çelik"),
)
NICKNAMES = ("Bob", "Zizi", "The Boss", "Ace")
VISITOR_ORGS = (
    ("Acme, Inc.", "VP, Marketing"),
    ("Müller & Söhne GmbH", "Geschäftsführerin"),
    ('"Quoted" Widgets LLC', "Engineer"),
    ("株式会社サンプル", "部長"),
    ("Café Société", "Ingénieure"),
    ("Initech", None),
    (None, "Consultant"),
)
EMAIL_DOMAINS = ("example.com", "example.org", "acme.test")
ISP_ORGS = (
    "Comcast Cable Communications, LLC",
    "Deutsche Telekom AG",
    "NTT Communications Corporation",
    "Orange S.A.",
    "Telefônica Brasil S.A.",
    '"Vodafone" Limited',
    "Amazon.com, Inc.",
    "Bell Canada",
)
LOCATIONS = (
    ("US", "Massachusetts", "Cambridge", 42.3736, -71.1097),
    ("US", "California", "San Francisco", 37.7749, -122.4194),
    ("DE", "Bayern", "München", 48.1351, 11.582),
    ("JP", "Tokyo", "東京", 35.6895, 139.6917),
    ("FR", "Île-de-France", "Paris", 48.8566, 2.3522),
    ("BR", "São Paulo", "São Paulo", -23.5505, -46.6333),
    ("GB", "England", "London", 51.5074, -0.1278),
    ("CA", "Québec", "Montréal", 45.5017, -73.5673),
)
USER_AGENTS = (
    ("Chrome", "122.0.0.0", "Windows", False),
    ("Safari", "17.3", "Mac", False),
    ("Mobile Safari", "17.2", "iPhone", True),
    ("Firefox", "123.0", "Linux", False),
    ("Chrome Mobile", "121.0.6167.178", "Android", True),
    ("Edge", "121.0.2277.128", "Windows", False),
)
EMBED_PAGES = (
    "https://www.example.com/",
    "https://www.example.com/blog/café-culture",
    "https://www.example.com/pricing?utm_source=newsletter&utm_medium=email",
    "https://example.org/webinars/2025",
    "https://www.example.com/日本語/ページ",
    "https://docs.example.com/getting-started#video",
)
GATE_TYPES = ("pre-roll-email", "post-roll-email", "mid-roll-email")
