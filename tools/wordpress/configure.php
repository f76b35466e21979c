<?php
/*
 * Switch the test blog's configuration (run as root, through setup.sh configure):
 *   php configure.php THEME PERMALINKS PAGED REST
 * THEME: twentytwentyone | twentytwentythree;  PERMALINKS: pretty | plain;  PAGED: paged | unpaged;  REST: on | off
 * paged = page_comments 1, 5 threads per page, newest page first (WordPress's default order); threading depth 5.
 */
$port = getenv('THREADBOOK_WORDPRESS_PORT') ?: '8081';
$_SERVER['HTTP_HOST'] = "127.0.0.1:$port";
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['WORDPRESS_CONFIG'] = 'threadbook';
require '/usr/share/wordpress/wp-load.php';
[$_, $theme, $permalinks, $paged, $rest] = array_pad($argv, 5, '');
switch_theme($theme ?: 'twentytwentyone');
update_option('permalink_structure', $permalinks === 'plain' ? '' : '/%year%/%monthnum%/%day%/%postname%/');
update_option('thread_comments', 1);
update_option('thread_comments_depth', 5);
update_option('page_comments', $paged === 'unpaged' ? 0 : 1);
update_option('comments_per_page', $paged === 'unpaged' ? 50 : 5);
update_option('default_comments_page', 'newest');
update_option('threadbook_rest_off', $rest === 'off' ? 1 : 0);
$wp_rewrite->init();
flush_rewrite_rules(false);
echo "theme=" . get_stylesheet() . " permalinks=" . (get_option('permalink_structure') ?: 'plain')
    . " page_comments=" . get_option('page_comments') . " rest=" . (get_option('threadbook_rest_off') ? 'off' : 'on') . "\n";
