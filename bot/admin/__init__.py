"""The staff admin (`/admin`): accounts, roles and permissions, the command line and the web pages."""
