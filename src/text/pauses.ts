/**
 * Extra silence after a segment, by what ends there. The voice already breathes at commas and
 * full stops; these add the structure a listener can't see: items, cells, sections.
 */
export const PAUSE_MS = {
  sentence: 150,
  paragraph: 450,
  heading: 700,
  listItem: 350,
  quote: 450,
  tableCell: 250,
  tableRow: 500,
  imageAlt: 300,
  codeAnnouncement: 450,
  codeLine: 300,
  tableAnnouncement: 450,
  plain: 450,
  comment: 400,
  /** Added on top of the previous segment's pause at a thematic break (---). */
  thematicBreak: 600,
} as const;
