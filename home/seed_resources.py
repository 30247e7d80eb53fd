"""The consultation windows named in the seeds (001 ≈ lines 488–640), exactly as written there. Loaded by
`home.services.load_consultation_resources`; editors change them later in the admin (never overwritten)."""

CONSULTATION_RESOURCES = [
    {
        "key": "kodoku-koritsu-dial-9999",
        "name": "孤独・孤立相談ダイヤル",
        "contact": "#9999（フリーダイヤル）",
        "hours": "既存の公的機関等の窓口の多くが閉庁するゴールデンウィーク、年末年始に実施",
        "audience": (
            "孤独・孤立に悩んでいる方、18歳以下の方、性別の違和等に関して相談したい方、女性の悩みに関して相談したい方、"
            "被災していて相談したい方 等"
        ),
        "description": (
            "電話すると音声ガイダンスにより利用者がメニューを選び、選んだ相談窓口につながる仕組みです。"
            "18歳以下向けのメニューもあり、電話相談以外にチャット等でも相談できます。"
            "相談内容が深刻な場合は、地域の支援団体と連携して支援につなげます。"
        ),
        # The seeds give the seasons, not the dates: editors enter each year's periods in the admin.
        "always_available": False,
        "sort_order": 10,
    },
    {
        "key": "anata-wa-hitori-janai",
        "name": "孤独・孤立対策ウェブサイト「あなたはひとりじゃない」",
        "contact": "ウェブサイト（チャットボットで相談先を探せます）",
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
        "contact": "ウェブサイト「あなたはひとりじゃない」のチャットボットで紹介されます",
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
        "name": "チャイルドライン チャット",
        "contact": "チャット（ウェブサイト「あなたはひとりじゃない」のチャットボットで紹介されます）",
        "hours": "第1・3月、毎週火、水、木、金、土曜日の16:00～21:00 ※12月29日～1月3日は除く",
        "audience": "18歳までの子ども",
        "description": (
            "18歳までの子どもがでんわやチャットでつながって、話を聞いてもらえるところです。"
            "困っていること、悩んでいることだけではなく、その日あったできごとやうれしいことの話を聞いています。"
        ),
        "always_available": True,
        "sort_order": 40,
    },
]
