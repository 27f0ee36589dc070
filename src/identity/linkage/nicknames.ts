/**
 * @module identity/linkage/nicknames
 * Common English forenames and the short forms people are registered under (William ↔ Bill, Margaret ↔ Peggy), as
 * data. Two forenames are nicknames of each other when they share a group.
 *
 * Source: our own compilation (the Accord project), written from general knowledge of English hypocorisms, in the same
 * spirit as `reference/names/nicknames.csv` (source `accord-compiled-names`, which the synthetic feeds plant faults
 * from). It is not a measured or published list; it is deliberately small and conservative (a group only where the
 * short form is in common use for that name). The identity module does not import the synthetic module, so it keeps
 * its own table; a later slice can load the reference file instead.
 */

/** Each group: a formal name first, then names in common use for the same person. Upper case, normalised. */
export const NICKNAME_GROUPS: readonly (readonly string[])[] = [
  ['WILLIAM', 'BILL', 'BILLY', 'WILL', 'WILLIE', 'LIAM'],
  ['ROBERT', 'BOB', 'BOBBY', 'ROB', 'ROBBIE', 'BERT'],
  ['RICHARD', 'DICK', 'RICH', 'RICHIE', 'RICKY', 'RICK'],
  ['JAMES', 'JIM', 'JIMMY', 'JAMIE'],
  ['JOHN', 'JACK', 'JOHNNY'],
  ['MICHAEL', 'MIKE', 'MICK', 'MICKY', 'MIKEY'],
  ['THOMAS', 'TOM', 'TOMMY'],
  ['CHRISTOPHER', 'CHRIS', 'KIT'],
  ['CHRISTINE', 'CHRIS', 'CHRISSIE', 'TINA'],
  ['CHRISTINA', 'CHRIS', 'TINA'],
  ['DANIEL', 'DAN', 'DANNY'],
  ['MATTHEW', 'MATT', 'MATTY'],
  ['ANTHONY', 'TONY'],
  ['JOSEPH', 'JOE', 'JOEY'],
  ['DAVID', 'DAVE', 'DAVY'],
  ['EDWARD', 'ED', 'EDDIE', 'TED', 'TEDDY', 'NED'],
  ['CHARLES', 'CHARLIE', 'CHUCK', 'CHAS'],
  ['STEPHEN', 'STEVE', 'STEVIE'],
  ['STEVEN', 'STEVE', 'STEVIE'],
  ['ANDREW', 'ANDY', 'DREW'],
  ['PETER', 'PETE'],
  ['SAMUEL', 'SAM', 'SAMMY'],
  ['BENJAMIN', 'BEN', 'BENNY'],
  ['ALEXANDER', 'ALEX', 'SANDY', 'XANDER'],
  ['ALEXANDRA', 'ALEX', 'SANDRA', 'LEXI'],
  ['NICHOLAS', 'NICK', 'NICKY'],
  ['JONATHAN', 'JON', 'JONNY'],
  ['TIMOTHY', 'TIM', 'TIMMY'],
  ['PATRICK', 'PAT', 'PADDY'],
  ['PATRICIA', 'PAT', 'PATSY', 'TRISH', 'TRICIA'],
  ['KENNETH', 'KEN', 'KENNY'],
  ['GERALD', 'GERRY'],
  ['RAYMOND', 'RAY'],
  ['RONALD', 'RON', 'RONNIE'],
  ['DONALD', 'DON', 'DONNIE'],
  ['LEONARD', 'LEN', 'LENNY'],
  ['FREDERICK', 'FRED', 'FREDDIE', 'FREDDY'],
  ['HENRY', 'HARRY', 'HAL'],
  ['ALBERT', 'AL', 'BERT', 'BERTIE'],
  ['ELIZABETH', 'LIZ', 'LIZZIE', 'BETH', 'BETTY', 'BESS', 'ELIZA', 'LIBBY'],
  ['MARGARET', 'MAGGIE', 'MEG', 'PEGGY', 'MADGE', 'MARGE', 'MAISIE'],
  ['CATHERINE', 'CATH', 'CATHY', 'KATE', 'KATIE', 'KAT'],
  ['KATHERINE', 'KATH', 'KATHY', 'KATE', 'KATIE', 'KAT'],
  ['DEBORAH', 'DEBBIE', 'DEB'],
  ['JENNIFER', 'JENNY', 'JEN'],
  ['SUSAN', 'SUE', 'SUSIE'],
  ['REBECCA', 'BECKY', 'BECCA'],
  ['VICTORIA', 'VICKY', 'TORI'],
  ['JESSICA', 'JESS', 'JESSIE'],
  ['SAMANTHA', 'SAM', 'SAMMY'],
  ['ABIGAIL', 'ABBY', 'ABBIE'],
  ['ELEANOR', 'ELLIE', 'NELL', 'NELLIE'],
  ['HELEN', 'NELL'],
  ['DOROTHY', 'DOT', 'DOTTIE', 'DOLLY'],
  ['MARY', 'MOLLY', 'POLLY'],
  ['ANNE', 'ANNIE', 'NAN', 'NANCY'],
  ['JOSEPHINE', 'JO', 'JOSIE'],
  ['JOANNE', 'JO'],
  ['BARBARA', 'BARB', 'BABS'],
  ['THERESA', 'TERESA', 'TESS', 'TERRI'],
  ['ALISON', 'ALI'],
  ['FRANCES', 'FRAN', 'FRANNIE'],
  ['FRANCIS', 'FRANK'],
  ['PHILIP', 'PHIL'],
  ['GREGORY', 'GREG'],
  ['NATHAN', 'NATE'],
  ['NATHANIEL', 'NATE', 'NAT'],
  ['ZACHARY', 'ZACH', 'ZAK'],
  // Common in West Yorkshire's records and missing above: short forms of today's popular names, and of Muhammad in
  // its spellings (one group, so every spelling meets "Mo").
  ['SARAH', 'SALLY', 'SADIE'],
  ['OLIVER', 'OLLIE', 'OLLY'],
  ['OLIVIA', 'LIV', 'LIVVY', 'LIVIA'],
  ['CHARLOTTE', 'LOTTIE', 'LOTTY'],
  ['AMELIA', 'MILLIE', 'MILLY', 'AMY'],
  ['NICOLA', 'NICKY', 'NIKKI'],
  ['MUHAMMAD', 'MOHAMMED', 'MOHAMMAD', 'MOHAMED', 'MOHAMAD', 'MO'],
];

/** Whether two normalised forenames belong to a common nickname group (never true for a name and itself). */
export interface NicknameIndex {
  areNicknames(a: string, b: string): boolean;
  /** The groups the index was compiled from (so a worker thread can compile the same index). */
  readonly groups: readonly (readonly string[])[];
}

export function compileNicknames(groups: readonly (readonly string[])[] = NICKNAME_GROUPS): NicknameIndex {
  const groupsOf = new Map<string, Set<number>>();
  groups.forEach((group, index) => {
    for (const name of group) {
      const set = groupsOf.get(name) ?? new Set<number>();
      set.add(index);
      groupsOf.set(name, set);
    }
  });
  return {
    groups,
    areNicknames(a, b) {
      if (a === b) return false;
      const ga = groupsOf.get(a);
      const gb = groupsOf.get(b);
      if (ga === undefined || gb === undefined) return false;
      for (const g of ga) if (gb.has(g)) return true;
      return false;
    },
  };
}
