/** Small lists of common Japanese names (kanji + Hepburn romaji) and departments. */

export const FAMILY_NAMES: readonly (readonly [string, string])[] = [
  ['佐藤', 'sato'], ['鈴木', 'suzuki'], ['高橋', 'takahashi'], ['田中', 'tanaka'], ['伊藤', 'ito'],
  ['渡辺', 'watanabe'], ['山本', 'yamamoto'], ['中村', 'nakamura'], ['小林', 'kobayashi'], ['加藤', 'kato'],
  ['吉田', 'yoshida'], ['山田', 'yamada'], ['佐々木', 'sasaki'], ['山口', 'yamaguchi'], ['松本', 'matsumoto'],
  ['井上', 'inoue'], ['木村', 'kimura'], ['林', 'hayashi'], ['斎藤', 'saito'], ['清水', 'shimizu'],
  ['山崎', 'yamazaki'], ['森', 'mori'], ['池田', 'ikeda'], ['橋本', 'hashimoto'], ['阿部', 'abe'],
  ['石川', 'ishikawa'], ['山下', 'yamashita'], ['中島', 'nakajima'], ['石井', 'ishii'], ['小川', 'ogawa'],
  ['前田', 'maeda'], ['岡田', 'okada'], ['長谷川', 'hasegawa'], ['藤田', 'fujita'], ['後藤', 'goto'],
  ['近藤', 'kondo'], ['村上', 'murakami'], ['遠藤', 'endo'], ['青木', 'aoki'], ['坂本', 'sakamoto'],
];

export const GIVEN_NAMES: readonly (readonly [string, string])[] = [
  ['太郎', 'taro'], ['健', 'ken'], ['翔太', 'shota'], ['大輔', 'daisuke'], ['拓也', 'takuya'],
  ['直樹', 'naoki'], ['誠', 'makoto'], ['浩', 'hiroshi'], ['健太', 'kenta'], ['亮', 'ryo'],
  ['大樹', 'daiki'], ['蓮', 'ren'], ['悠真', 'yuma'], ['和也', 'kazuya'], ['剛', 'tsuyoshi'],
  ['陽子', 'yoko'], ['花子', 'hanako'], ['美咲', 'misaki'], ['陽菜', 'hina'], ['恵', 'megumi'],
  ['由美', 'yumi'], ['直美', 'naomi'], ['彩', 'aya'], ['真由美', 'mayumi'], ['愛', 'ai'],
  ['さくら', 'sakura'], ['結衣', 'yui'], ['明美', 'akemi'], ['智子', 'tomoko'], ['久美子', 'kumiko'],
];

export const DEPARTMENTS: readonly string[] = [
  '総務部', '人事部', '経理部', '情報システム部', '営業部', '開発部', '品質保証部', '製造部', '法務部', 'カスタマーサポート部',
];

/** Where the example organisation's people mostly work (weights follow DEPARTMENTS). */
export const DEPARTMENT_WEIGHTS: readonly number[] = [6, 4, 4, 5, 25, 25, 8, 15, 2, 6];
