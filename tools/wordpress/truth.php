<?php
/*
 * What the test blog's database holds, as JSON, for tests/integration/test_real_wordpress.py:
 *   php truth.php
 * posts: every published post (id, url, title, protected) with its approved comments (id, parent, author,
 * date with the site's offset, kind); hidden: the text of everything a visitor must never see (unapproved and
 * spam comments, protected posts' text and comments).
 */
$port = getenv('THREADBOOK_WORDPRESS_PORT') ?: '8081';
$_SERVER['HTTP_HOST'] = "127.0.0.1:$port";
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['WORDPRESS_CONFIG'] = 'threadbook';
require '/usr/share/wordpress/wp-load.php';

function local_iso($local, $gmt) {
    $offset = (strtotime($local . ' UTC') - strtotime($gmt . ' UTC')) / 60;
    $sign = $offset < 0 ? '-' : '+';
    $offset = abs($offset);
    return str_replace(' ', 'T', $local) . sprintf('%s%02d:%02d', $sign, intdiv($offset, 60), $offset % 60);
}

$posts = [];
$hidden = [];
foreach (get_posts(['post_type' => 'post', 'post_status' => 'publish', 'numberposts' => -1, 'order' => 'ASC']) as $post) {
    $protected = $post->post_password !== '';
    $comments = [];
    $rows = $wpdb->get_results($wpdb->prepare("SELECT * FROM $wpdb->comments WHERE comment_post_ID = %d ORDER BY comment_ID", $post->ID));
    foreach ($rows as $c) {
        if ($c->comment_approved !== '1' || $protected) {
            $hidden[] = $c->comment_content;
            continue;
        }
        $comments[] = ['id' => $c->comment_ID, 'parent' => $c->comment_parent ? (string) $c->comment_parent : null,
            'author' => html_entity_decode($c->comment_author, ENT_QUOTES, 'UTF-8'),
            'published_at' => local_iso($c->comment_date, $c->comment_date_gmt),
            'kind' => $c->comment_type === '' ? 'comment' : $c->comment_type];
    }
    if ($protected) $hidden[] = wp_strip_all_tags($post->post_content);
    $posts[] = ['id' => (string) $post->ID, 'url' => get_permalink($post), 'title' => $post->post_title,
        'protected' => $protected, 'comments' => $comments];
}
echo json_encode(['home' => home_url('/'), 'theme' => get_stylesheet(), 'posts' => $posts, 'hidden' => $hidden],
    JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
