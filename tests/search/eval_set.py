"""The evaluation set of site search: Japanese queries a citizen might type, each with the pages it should find in
the top 5, written from the seeded content (courses/content/*.yaml, home/seed_pages.py, home/seed_resources.py,
home/demo.py, events/demo.py). `test_eval.py` measures recall@5 over it on the current database.

Update an expectation only when the seeded content changes (never to make a failing query pass)."""

COURSE = "つながりサポーター養成講座"
M1, M2, M3, M4 = "はじめに", "孤独・孤立の何が問題か", "つながりを考えてみよう", "調査結果からわかること"
M5, M6, M7, M8 = "困ったときどうする？", "相談窓口を知ろう", "地域の活動を知ろう", "最後に"
DIAL = "孤独・孤立相談ダイヤル"
WEBSITE = "孤独・孤立対策ウェブサイト「あなたはひとりじゃない」"
IBASHO = "あなたのいばしょ"
CHILDLINE = "チャイルドライン チャット"
CAMPAIGN_INDEX = "孤独・孤立対策強化月間"
ABOUT, FAQ, TERMS, PRIVACY = "このサイトについて", "よくある質問", "利用規約", "プライバシーポリシー"
WORKSHOPS = "講座・研修会"
TOTTORI = "つながりサポーター養成講座（鳥取市・デモ）"
KUMAMOTO_ONLINE = "つながりサポーター養成講座 オンライン（熊本市・デモ）"

# (query, titles that must be in the top 5, what the query tests)
EVAL_SET: list[tuple[str, list[str], str]] = [
    ("相談", [M6, DIAL], "two-character word inside sentences (the issue's example)"),
    ("孤立", [M2], "two-character word after ・"),
    ("居場所", [M7, M3], "three characters, kanji"),
    ("問題", [M2], "two characters at the end of a title"),
    ("相談窓口", [M6], "four characters (trigrams)"),
    ("ダイヤル", [DIAL, M6], "katakana"),
    ("サポーター", [COURSE], "katakana inside a longer word"),
    ("ｻﾎﾟｰﾀｰ", [COURSE], "half-width katakana"),
    ("#9999", [DIAL, M6], "number with #"),
    ("9999", [DIAL, M6], "number alone"),
    ("＃９９９９", [DIAL, M6], "full-width number"),
    ("孤", [M2], "one character"),
    ("孤独　孤立", [M2], "two words with an ideographic space"),
    ("孤独感", [M4], "a word from the survey results"),
    ("調査", [M4], "two characters, many hits"),
    ("困ったとき", [M5], "kana and kanji mixed"),
    ("民生委員", [M7], "four kanji"),
    ("社会福祉協議会", [M7], "seven kanji"),
    ("傾聴", [M5, M6], "rare two-character word"),
    ("ＤＶ", [M6], "full-width Latin letters"),
    ("チャイルドライン", [CHILDLINE], "katakana name of a window"),
    ("チャットボット", [WEBSITE], "katakana, a window's description"),
    ("あなたはひとりじゃない", [WEBSITE], "hiragana phrase"),
    ("いばしょ", [IBASHO], "hiragana word"),
    ("強化月間", [CAMPAIGN_INDEX], "campaign"),
    ("利用規約", [TERMS], "standard page title"),
    ("プライバシー", [PRIVACY], "katakana, standard page"),
    ("個人情報", [PRIVACY], "standard page body"),
    ("よくある質問", [FAQ], "hiragana and kanji title"),
    ("修了証", [ABOUT, FAQ], "site pages about certificates"),
    ("鳥取市", [TOTTORI], "workshop by place"),
    ("オンライン 熊本", [KUMAMOTO_ONLINE], "two words, workshop"),
    ("研修会", [WORKSHOPS], "the workshop listing"),
    ("つながり", [M3], "hiragana word in a title"),
    ("地域の活動", [M7], "phrase with の"),
]

# Words a visitor might use that appear in no page (synonyms of what the pages say): nothing must be found, rather
# than something unrelated.
MUST_NOT_MATCH: list[tuple[str, str]] = [
    ("寂しさ", "a synonym of 孤独 that no page uses"),
    ("メンタルヘルス", "a related term that no page uses"),
]
