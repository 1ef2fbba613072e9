// The tests drive processes and browsers with the same code as `plebiscite bench booth`.
@_exported import BrowserDriver
