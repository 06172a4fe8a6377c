/** Port for SQL clients and traffic between nodes. */
export const SQL_PORT = 26257;
/** Port of the DB Console and the HTTP API (health, metrics). */
export const HTTP_PORT = 8080;
