/**
 * What a browser following a board link with an unknown or revoked token sees: a plain page that
 * says what happened and what to do, in both of the board's languages (not an API error about keys).
 */
export const BOARD_LINK_INVALID_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Board link not valid · Checkout Pulse</title>
<style>body{font:1.25rem/1.5 system-ui,sans-serif;margin:0;min-height:100vh;display:grid;place-items:center;background:#0f1419;color:#e8eaed}
main{max-width:36rem;padding:2rem}h1{font-size:2rem;margin:0 0 1rem}p{margin:.5rem 0;color:#c4c9d0}</style></head>
<body><main>
<h1>This board link is not valid</h1>
<p>It may have been revoked, or copied incompletely. Ask the shop's owner for a new board link.</p>
<p lang="pt-BR">Este link do painel não é válido: pode ter sido revogado ou copiado pela metade. Peça um novo link a quem administra a loja.</p>
</main></body></html>
`;
