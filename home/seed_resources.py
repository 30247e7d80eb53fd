"""The consultation windows: names and the seeds' words (001 ≈ lines 488–640), with the official addresses, phone
numbers and hours checked from public pages (/work/shared/reference-links.md, which gives each source).

Loaded by `home.services.load_consultation_resources`, which creates missing windows and brings the seeded facts of
existing ones up to date — field by field, and only where the stored value is still the one the seed wrote last
(`ConsultationResource.seeded_values`, or `PREVIOUS_SEED_VALUES` for rows seeded before that record existed). A
value an editor has changed in the admin is never overwritten. See docs/consultation-windows.md."""

DIAL_9999_HOURS = "既存の公的機関等の窓口の多くが閉庁するゴールデンウィーク、年末年始に実施"

CONSULTATION_RESOURCES = [
    {
        "key": "kodoku-koritsu-dial-9999",
        "name": "孤独・孤立相談ダイヤル",
        "contact": "#9999（フリーダイヤル）",
        "phone": "#9999",
        "url": "https://www.notalone-cao.go.jp/",
        "hours": DIAL_9999_HOURS,
        "schedule_note": (
            "実施日はその都度、内閣府の孤独・孤立対策ウェブサイト「あなたはひとりじゃない」でお知らせされます。"
        ),
        "audience": (
            "孤独・孤立に悩んでいる方、18歳以下の方、性別の違和等に関して相談したい方、女性の悩みに関して相談したい方、"
            "被災していて相談したい方 等"
        ),
        "description": (
            "電話すると音声ガイダンスにより利用者がメニューを選び、選んだ相談窓口につながる仕組みです。"
            "18歳以下向けのメニューもあり、電話相談以外にチャット等でも相談できます。"
            "相談内容が深刻な場合は、地域の支援団体と連携して支援につなげます。"
        ),
        # The seeds give the seasons, not the dates: editors enter each year's periods in the admin (the dashboard
        # warns while none is entered for the next season).
        "always_available": False,
        "sort_order": 10,
    },
    {
        "key": "anata-wa-hitori-janai",
        "name": "孤独・孤立対策ウェブサイト「あなたはひとりじゃない」",
        "contact": "ウェブサイト（チャットボットで相談先を探せます）",
        "url": "https://www.notalone-cao.go.jp/",
        "hours": "紹介される各相談窓口の受付時間は、チャットボットの案内で確認できます",
        "audience": "孤独・孤立で悩んでいる方（「18歳以下のみなさんへ」のページもあります）",
        "description": (
            "自動応答システム（チャットボット）により、利用者の悩みに応じ、分野別に相談窓口を紹介します。"
            "悩みを抱えている方向けのQ&A等も掲載されています。"
        ),
        "always_available": True,
        "sort_order": 20,
    },
    {
        "key": "anata-no-ibasho",
        "name": "あなたのいばしょ",
        "contact": "チャット（匿名・無料）",
        "url": "https://talkme.jp/",
        "chat_url": "https://talkme.jp/",
        "hours": "24時間365日",
        "audience": "悩みや問題を抱えている方",
        "description": (
            "話しても話せない、頼りたくても頼れないといった「望まない孤独」のない社会の実現を目的に、"
            "悩みや問題を抱えた時に信頼できる人にアクセスできる仕組みをつくっています。"
        ),
        "always_available": True,
        "sort_order": 30,
    },
    {
        "key": "childline-chat",
        # The name stays: course module 6 and the search evaluation find the snippet by it.
        "name": "チャイルドライン チャット",
        "contact": "でんわ 0120-99-7777（フリーダイヤル。携帯電話・公衆電話からも無料）・チャット",
        "phone": "0120-99-7777",
        "url": "https://childline.or.jp/",
        "chat_url": "https://childline.or.jp/chat/",
        "hours": (
            "でんわ：毎日 16:00～21:00／チャット：第1・第3月曜日と、毎週火曜日～土曜日の 16:00～21:00"
            "（どちらも12月29日～1月3日は休み）"
        ),
        "annual_closure_start": "12-29",
        "annual_closure_end": "01-03",
        "audience": "18歳までの子ども",
        "description": (
            "18歳までの子どもがでんわやチャットでつながって、話を聞いてもらえるところです。"
            "困っていること、悩んでいることだけではなく、その日あったできごとやうれしいことの話を聞いています。"
        ),
        "always_available": True,
        "sort_order": 40,
    },
]

# What the first version of this file wrote (before `seeded_values` was recorded): a stored value still equal to
# it was never edited, so the update may replace it. Fields it did not have were blank.
PREVIOUS_SEED_VALUES = {
    "anata-no-ibasho": {"contact": "ウェブサイト「あなたはひとりじゃない」のチャットボットで紹介されます"},
    "childline-chat": {
        "contact": "チャット（ウェブサイト「あなたはひとりじゃない」のチャットボットで紹介されます）",
        "hours": "第1・3月、毎週火、水、木、金、土曜日の16:00～21:00 ※12月29日～1月3日は除く",
    },
}
