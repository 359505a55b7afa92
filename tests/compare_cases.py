"""A small dossier of stories, one for each way a comparison can fall short of lining facts up: the same fact
told with different figures (far apart in wording, and close: three outlets, two of them agreeing on the figure),
an article in another language (Spanish, read from its words; Arabic, which its front matter gives and which runs
right to left), two reports in Chinese, two in Hindi (which the sentence model does not read: compared by their
words only), two articles that share no passage, and more outlets than a screen has room for side by side.
The page tests (tests/test_compare_page.py) and the browser tests (tests/browser/) build it."""

from __future__ import annotations

from pathlib import Path

from dossier import urls
from tests.script_cases import RELATED_IN

OUTLETS = {
    "gazette": "The Gazette", "herald": "The <Herald>", "diario": "El Diario", "courier": "The Courier",
    "tribune": "The Tribune", "ledger": "The Ledger", "observer": "The Observer", "chronicle": "The Chronicle",
    "akhbar": "Al-Akhbar", "ribao": "Ribao", "wanbao": "Wanbao", "dainik": "Dainik", "samachar": "Samachar",
}  # fmt: skip
CONFLICT, CLOSE_CONFLICT, LANGUAGES, UNRELATED, MANY = "buried", "expelled", "quake", "unrelated", "many"
RIGHT_TO_LEFT, CHINESE, BY_WORDS = "quake-arabic", "quake-chinese", "quake-hindi"
LANGUAGE_OF = {
    "akhbar": "ar",
    "ribao": "zh",
    "wanbao": "zh",
    "dainik": "hi",
    "samachar": "hi",
}  # the front matter's; the others take the site's
BURIED_GAZETTE = (
    "Rescuers said 18,645 people were buried under collapsed buildings in the old town of Antakya.\n\n"
    "The governor asked for more cranes."
)
BURIED_HERALD = (
    "The storm closed the airport for a day.\n\n"
    "An estimated 18,000 people remain buried under collapsed buildings in Antakya's old town, rescuers said."
)
EXPELLED = "The United States expelled {} Russian diplomats on {} and closed two compounds in Maryland and New York."
EXPELLED_GAZETTE = EXPELLED.format(35, "Thursday")
EXPELLED_HERALD = EXPELLED.format(30, "Thursday")
EXPELLED_COURIER = EXPELLED.format(35, "Friday")
QUAKE_ENGLISH = (
    "A powerful earthquake struck the central Philippines on Tuesday, killing at least 93 people.\n\n"
    "Authorities say most of the casualties were on Bohol Island, where churches that were more than 400 years "
    "old collapsed, and that the death toll is expected to climb."
)
QUAKE_SPANISH = (
    "Un terremoto de magnitud 7,2 sacudió el centro de Filipinas el martes y mató al menos a 93 personas.\n\n"
    "Las autoridades dicen que la mayoría de las víctimas se produjo en la isla de Bohol, donde se derrumbaron "
    "iglesias que tenían más de 400 años, y que el número de muertos aumentará."
)
QUAKE_ARABIC = (
    "ضرب زلزال قوي وسط الفلبين يوم الثلاثاء وأودى بحياة 93 شخصا على الأقل.\n\n"
    "وتقول السلطات إن معظم الضحايا سقطوا في جزيرة بوهول، حيث انهارت كنائس يزيد عمرها على 400 عام."
)
# Two reports of one earthquake in Chinese: the first three sentences of each tell the same facts in other words.
QUAKE_RIBAO = (
    "星期二，菲律宾中部发生强烈地震，造成至少93人死亡。"
    "当局表示，大部分伤亡发生在保和岛，那里有400多年历史的教堂倒塌。"
    "救援人员连夜在废墟中搜寻幸存者。"
)
QUAKE_WANBAO = (
    "菲律宾中部星期二发生强烈地震，至少93人死亡。"
    "保和岛上有400多年历史的教堂倒塌，当局说大部分伤亡发生在那里。"
    "救援人员连夜在废墟中搜寻。"
    "「我们从未见过这样的地震，」一位居民说。"
)
UNRELATED_GAZETTE = "The council approved a new bridge over the river.\n\nWork starts in the spring."
UNRELATED_HERALD = "A painter opened her first show at the harbour gallery.\n\nCritics praised the colours."
# Seven outlets report one fact in the same words, and each one fact of its own.
MANY_OUTLETS = ("gazette", "herald", "courier", "tribune", "ledger", "observer", "chronicle")
OWN_FACTS = (
    "The embassy's spokesman called the decision unfriendly.",
    "Flights from Washington to Moscow were full on Friday.",
    "The compounds had been used for recreation since the 1970s.",
    "A senator asked for a hearing on the election hacking.",
    "Officials in Moscow promised an answer within days.",
    "The order gave the diplomats and their families 72 hours to leave.",
    "Analysts expect the new administration to review the measures.",
)
STORIES = {
    CONFLICT: ("How many are buried", {"gazette": BURIED_GAZETTE, "herald": BURIED_HERALD}),
    CLOSE_CONFLICT: (
        "Diplomats expelled",
        {"gazette": EXPELLED_GAZETTE, "herald": EXPELLED_HERALD, "courier": EXPELLED_COURIER},
    ),
    LANGUAGES: ("An earthquake in the Philippines", {"gazette": QUAKE_ENGLISH, "diario": QUAKE_SPANISH}),
    RIGHT_TO_LEFT: ("The earthquake in Arabic", {"gazette": QUAKE_ENGLISH, "akhbar": QUAKE_ARABIC}),
    CHINESE: ("The earthquake in Chinese", {"ribao": QUAKE_RIBAO, "wanbao": QUAKE_WANBAO}),
    BY_WORDS: ("The earthquake in Hindi", {"dainik": RELATED_IN["hi"][0], "samachar": RELATED_IN["hi"][1]}),
    UNRELATED: ("A bridge and a painter", {"gazette": UNRELATED_GAZETTE, "herald": UNRELATED_HERALD}),
    MANY: (
        "Seven outlets on the expulsions",
        {outlet: f"{EXPELLED_GAZETTE}\n\n{own}" for outlet, own in zip(MANY_OUTLETS, OWN_FACTS, strict=True)},
    ),
}


def write_cases(root: Path, config: str = "", *, search: bool = False) -> Path:
    """Write the dossier into `root` and return it; `config` is added to its dossier.yaml."""
    content = root / "content"
    content.mkdir(parents=True)
    (root / "dossier.yaml").write_text(
        f"title: Comparisons that fall short\nsearch: {str(search).lower()}\n{config}", "utf-8"
    )
    (content / "people.yaml").write_text("[]\n", encoding="utf-8")
    sources = "".join(f"- id: {id_}\n  name: {name!r}\n  kind: outlet\n" for id_, name in OUTLETS.items())
    (content / "sources.yaml").write_text(sources, encoding="utf-8")
    for story_id, (title, articles) in STORIES.items():
        folder = content / story_id
        folder.mkdir()
        (folder / "story.yaml").write_text(f"title: {title}\n", encoding="utf-8")
        for outlet, text in articles.items():
            language = f"language: {LANGUAGE_OF[outlet]}\n" if outlet in LANGUAGE_OF else ""
            front = f"---\ntitle: {title} ({outlet})\noutlet: {outlet}\n{language}---\n"
            (folder / f"{story_id}-{outlet}.md").write_text(front + text + "\n", encoding="utf-8")
    return root


def page_of(story_id: str) -> str:
    return urls.synopsis_path(story_id)
