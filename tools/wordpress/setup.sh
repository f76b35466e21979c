#!/usr/bin/env bash
# Install Debian's WordPress on loopback and seed our own test blog, for tests/integration/test_real_wordpress.py.
#
#   sudo tools/wordpress/setup.sh                      install (apt), configure a site on 127.0.0.1:$PORT, seed it
#   sudo tools/wordpress/setup.sh configure THEME PERMALINKS PAGED REST
#        THEME twentytwentyone|twentytwentythree, PERMALINKS pretty|plain, PAGED paged|unpaged, REST on|off
#
# Port: THREADBOOK_WORDPRESS_PORT (default 8081). The site answers on 127.0.0.1 only, has its own database
# (threadbook_wp) and its own config (/etc/wordpress/config-threadbook.php, chosen by SetEnv WORDPRESS_CONFIG),
# so another WordPress on this machine is left alone. Prints `THREADBOOK_WORDPRESS_URL=...` at the end.
# Exit 3 when the packages can't be installed (no package registry): callers skip rather than fail.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PORT="${THREADBOOK_WORDPRESS_PORT:-8081}"
URL="http://127.0.0.1:${PORT}"
CONTENT=/var/lib/threadbook-wordpress/wp-content
PACKAGES=(wordpress apache2 libapache2-mod-php mariadb-server php-xml wordpress-theme-twentytwentyone
    wordpress-theme-twentytwentythree)
export WORDPRESS_CONFIG=threadbook THREADBOOK_WORDPRESS_PORT="$PORT"

if [ "$(id -u)" != 0 ]; then
    echo "setup.sh: run as root (it installs packages and configures Apache and MariaDB)" >&2
    exit 2
fi

start_services() {
    # No systemd in containers: the SysV scripts work everywhere.
    if ! mysqladmin ping >/dev/null 2>&1; then service mariadb start >/dev/null; fi
    if ! pgrep -x apache2 >/dev/null && ! pgrep -x httpd >/dev/null; then
        service apache2 start >/dev/null
    else
        apache2ctl graceful
    fi
}

if [ "${1:-}" = configure ]; then
    shift
    start_services
    php "$HERE/configure.php" "$@"
    exit 0
fi

t0=$(date +%s)
missing=()
for package in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
        echo "setup.sh: could not install ${missing[*]} with apt (no package registry reachable?)" >&2
        exit 3
    fi
fi
t1=$(date +%s)

# The database and its user (local socket only).
service mariadb start >/dev/null 2>&1 || true
for _ in $(seq 1 30); do mysqladmin ping >/dev/null 2>&1 && break; sleep 0.5; done
mysql -uroot <<SQL
CREATE DATABASE IF NOT EXISTS threadbook_wp CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'threadbook_wp'@'localhost' IDENTIFIED BY 'threadbook-local-only';
GRANT ALL PRIVILEGES ON threadbook_wp.* TO 'threadbook_wp'@'localhost';
FLUSH PRIVILEGES;
SQL

# Its own wp-content: Debian's themes, our switches as a must-use plugin, an uploads folder Apache can write.
mkdir -p "$CONTENT/themes" "$CONTENT/plugins" "$CONTENT/mu-plugins" "$CONTENT/uploads"
for theme in /usr/share/wordpress/wp-content/themes/*; do
    ln -sfn "$theme" "$CONTENT/themes/$(basename "$theme")"
done
cp "$HERE/threadbook-switches.php" "$CONTENT/mu-plugins/"
chown -R www-data:www-data "$CONTENT/uploads"

cat >/etc/wordpress/config-threadbook.php <<PHP
<?php
define('DB_NAME', 'threadbook_wp');
define('DB_USER', 'threadbook_wp');
define('DB_PASSWORD', 'threadbook-local-only');
define('DB_HOST', 'localhost');
define('DB_CHARSET', 'utf8mb4');
define('WP_CONTENT_DIR', '$CONTENT');
define('WP_CONTENT_URL', '$URL/wp-content');
define('AUTH_KEY', 'tb-1'); define('SECURE_AUTH_KEY', 'tb-2'); define('LOGGED_IN_KEY', 'tb-3'); define('NONCE_KEY', 'tb-4');
define('AUTH_SALT', 'tb-5'); define('SECURE_AUTH_SALT', 'tb-6'); define('LOGGED_IN_SALT', 'tb-7'); define('NONCE_SALT', 'tb-8');
define('WP_HTTP_BLOCK_EXTERNAL', true);   // no network: pingbacks are seeded, never sent
define('AUTOMATIC_UPDATER_DISABLED', true);
define('DISABLE_WP_CRON', true);
PHP

# Apache: 127.0.0.1:PORT only, this site's config, pretty permalinks through rewriting.
cat >/etc/apache2/conf-available/threadbook-wordpress-port.conf <<CONF
Listen 127.0.0.1:${PORT}
CONF
cat >/etc/apache2/sites-available/threadbook-wordpress.conf <<CONF
<VirtualHost 127.0.0.1:${PORT}>
    ServerName 127.0.0.1
    DocumentRoot /usr/share/wordpress/
    DirectoryIndex index.php index.html
    SetEnv WORDPRESS_CONFIG threadbook
    Alias /wp-content ${CONTENT}
    <Directory /usr/share/wordpress>
        Options FollowSymLinks
        AllowOverride None
        Require all granted
        RewriteEngine On
        RewriteBase /
        RewriteRule ^index\.php$ - [L]
        RewriteCond %{REQUEST_FILENAME} !-f
        RewriteCond %{REQUEST_FILENAME} !-d
        RewriteRule . /index.php [L]
    </Directory>
    <Directory ${CONTENT}>
        Options FollowSymLinks
        Require all granted
    </Directory>
</VirtualHost>
CONF
grep -qs "Listen 127.0.0.1:${PORT}\$" /etc/apache2/ports.conf || a2enconf -q threadbook-wordpress-port
a2enmod -q rewrite >/dev/null
a2ensite -q threadbook-wordpress >/dev/null
# Debian's default site listens on every interface at :80; this machine only needs loopback.
sed -i 's/^Listen 80$/Listen 127.0.0.1:80/' /etc/apache2/ports.conf
start_services

php "$HERE/seed.php"
php "$HERE/configure.php" twentytwentyone pretty paged on
t2=$(date +%s)
echo "setup.sh: packages $((t1 - t0)) s, site and seeding $((t2 - t1)) s" >&2
echo "THREADBOOK_WORDPRESS_URL=${URL}/"
