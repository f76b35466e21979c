<?php
/*
 * Seed the test blog "Field & Bench" (run by setup.sh, as root; again at any time: it starts from scratch):
 *   THREADBOOK_WORDPRESS_PORT=8081 php seed.php
 * Everything here is our own made-up content. No network: WP_HTTP_BLOCK_EXTERNAL is set in the config.
 * Adapted from tests/fixtures/wordpress_real/tools/make_site.php (which made the saved fixture pages).
 */
$port = getenv('THREADBOOK_WORDPRESS_PORT') ?: '8081';
$_SERVER['HTTP_HOST'] = "127.0.0.1:$port";
$_SERVER['WORDPRESS_CONFIG'] = 'threadbook';
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_NAME'] = '127.0.0.1';
define('WP_INSTALLING', true);
require_once '/usr/share/wordpress/wp-includes/plugin.php';
add_filter('pre_wp_mail', '__return_false');  // no mail server here: the install's notice is not sent
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/image.php';

$home = "http://127.0.0.1:$port";
if (!is_blog_installed()) {
    wp_install('Field & Bench', 'mira', 'mira@field-bench.test', true, '', 'mira-local-only');
}
update_option('siteurl', $home);
update_option('home', $home);
update_option('blogdescription', 'Notes from the garden, the marsh and the workshop');
update_option('timezone_string', 'Europe/Berlin');
update_option('date_format', 'F j, Y');
update_option('time_format', 'g:i a');
update_option('default_pingback_flag', 0);
update_option('comment_moderation', 0);
update_option('comment_previously_approved', 0);
update_option('thread_comments', 1);
update_option('thread_comments_depth', 5);
update_option('page_comments', 0);
update_option('comments_per_page', 50);
update_option('default_comments_page', 'newest');
update_option('comment_order', 'asc');
update_option('posts_per_page', 5);
update_option('permalink_structure', '/%year%/%monthnum%/%day%/%postname%/');
$wp_rewrite->init();

// Remove the install's sample post, page and comment.
foreach (get_posts(['post_type' => ['post', 'page', 'attachment'], 'post_status' => 'any', 'numberposts' => -1]) as $old) {
    wp_delete_post($old->ID, true);
}

function user_id($login, $name, $email) {
    $user = get_user_by('login', $login);
    if ($user) {
        wp_update_user(['ID' => $user->ID, 'display_name' => $name, 'first_name' => explode(' ', $name)[0]]);
        return $user->ID;
    }
    return wp_insert_user(['user_login' => $login, 'user_pass' => $login . '-local-only', 'user_email' => $email,
        'display_name' => $name, 'role' => 'author']);
}
$mira = user_id('mira', 'Mira Okafor', 'mira@field-bench.test');
$tomas = user_id('tomas', 'Tomas Lindqvist', 'tomas@field-bench.test');
$ana = user_id('ana', 'Ana Ribeiro', 'ana@field-bench.test');
$emails = ['Mira Okafor' => ['mira@field-bench.test', $mira], 'Tomas Lindqvist' => ['tomas@field-bench.test', $tomas],
    'Ana Ribeiro' => ['ana@field-bench.test', $ana]];

function cat($name) {
    $term = term_exists($name, 'category');
    if (!$term) $term = wp_insert_term($name, 'category');
    return (int) $term['term_id'];
}
$gardening = cat('Gardening');
$field = cat('Field Notes');
$workshop = cat('Workshop');

function post($author, $date, $title, $content, $cats, $tags, $extra = []) {
    $id = wp_insert_post(array_merge([
        'post_author' => $author, 'post_date' => $date, 'post_title' => $title, 'post_content' => $content,
        'post_status' => 'publish', 'post_category' => $cats, 'tags_input' => $tags, 'comment_status' => 'open',
        'ping_status' => 'open',
    ], $extra), true);
    if (is_wp_error($id)) { fwrite(STDERR, $id->get_error_message() . "\n"); exit(1); }
    return $id;
}

/* Comments: [key, parent key or null, author, url, local date, content, type, approved] */
function comments($post_id, $rows) {
    global $emails;
    $ids = [];
    foreach ($rows as $row) {
        [$key, $parent, $author, $url, $date, $content] = $row;
        $type = $row[6] ?? 'comment';
        $approved = $row[7] ?? 1;
        $user = $emails[$author][1] ?? 0;
        $email = $emails[$author][0] ?? (strtolower(preg_replace('/[^A-Za-z]/', '', $author)) . '@readers.test');
        $ids[$key] = wp_insert_comment([
            'comment_post_ID' => $post_id, 'comment_parent' => $parent ? $ids[$parent] : 0,
            'comment_author' => $author, 'comment_author_email' => $type === 'comment' ? $email : '',
            'comment_author_url' => $url, 'comment_date' => $date, 'comment_content' => $content,
            'comment_type' => $type, 'comment_approved' => $approved, 'user_id' => $user,
            'comment_author_IP' => '127.0.0.1', 'comment_agent' => 'make_site.php',
        ]);
    }
    return $ids;
}

// 1. A post with an image from the media library (sticky, so it heads the home page).
$upload = wp_upload_dir('2024/03');
$image_path = $upload['path'] . '/seed-shelf.png';
file_put_contents($image_path, base64_decode('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGM4UaEBRAwQCgAp7gWhjAnOiAAAAABJRU5ErkJggg=='));  // a 2x2 PNG of our own
$p1 = post($mira, '2024-03-02 10:15:00', 'Starting a seed library',
    "<!-- wp:paragraph -->\n<p>Our village hall now has a shelf of seed envelopes anyone can borrow from. Bring some back in autumn.</p>\n<!-- /wp:paragraph -->\n\n"
    . "<!-- wp:image {\"id\":0} -->\n<figure class=\"wp-block-image\"><img src=\"IMAGE\" alt=\"Shelf of labelled seed envelopes\"/><figcaption>The first shelf, half full.</figcaption></figure>\n<!-- /wp:image -->\n\n"
    . "<!-- wp:paragraph -->\n<p>Envelopes are sorted by <strong>sowing month</strong>, then by family.</p>\n<!-- /wp:paragraph -->",
    [$gardening], ['seeds', 'community']);
$attachment = wp_insert_attachment(['post_mime_type' => 'image/png', 'post_title' => 'Seed shelf',
    'post_content' => '', 'post_status' => 'inherit', 'post_author' => $mira], $image_path, $p1);
wp_update_attachment_metadata($attachment, wp_generate_attachment_metadata($attachment, $image_path));
$image_url = wp_get_attachment_url($attachment);
$content = get_post($p1)->post_content;
$content = str_replace(['IMAGE', '{"id":0}', 'class="wp-block-image"'], [$image_url, '{"id":' . $attachment . '}', 'class="wp-block-image size-full"'], $content);
$content = str_replace('alt="Shelf', 'class="wp-image-' . $attachment . '" alt="Shelf', $content);
wp_update_post(['ID' => $p1, 'post_content' => $content]);
set_post_thumbnail($p1, $attachment);
stick_post($p1);
comments($p1, [
    ['a', null, 'Ingrid Haugen', '', '2024-03-02 12:40:00', 'What a good idea. Do you take tomato seed saved from hybrids?'],
    ['b', 'a', 'Mira Okafor', '', '2024-03-02 13:05:00', "We do, but we label them as \"may not come true\"."],
    ['c', null, 'Pavel Novak', 'http://pavel.example/', '2024-03-03 08:00:00', 'Dropped off two envelopes of runner beans.'],
]);

// 2. The long thread: 22 comments, a pingback and a trackback, threads nested 6 deep (deeper than the setting).
$p2 = post($tomas, '2024-03-15 09:30:00', 'Notes from the marsh walk',
    "<p>Seventeen of us walked the boardwalk at dawn. We counted <em>three</em> bitterns booming and one marsh harrier.</p>\n\n<p>The water was higher than last year; the lower hide was closed.</p>",
    [$field], ['birds', 'walking']);

// 3. Password protected: its text and comments must never leak into the archive.
$p3 = post($ana, '2024-04-01 18:00:00', 'Allotment gate code',
    "<p>SECRET-GATE-TEXT The new code for the allotment gate is 4711.</p>", [$gardening], ['allotment'],
    ['post_password' => 'letmein']);
comments($p3, [
    ['a', null, 'Maud Lefebvre', '', '2024-04-01 19:00:00', 'SECRET-COMMENT-TEXT Thanks, the old one stopped working.'],
]);

// 4. Workshop post: a thread nested four deep, the author answering, HTML in comments.
$p4 = post($ana, '2024-04-10 20:45:00', 'Sharpening a spokeshave',
    "<p>The blade is short, so a honing guide is no use. I hold it in a block of scrap oak.</p>\n\n<pre class=\"wp-block-code\"><code>bevel: 30 degrees\nmicro-bevel: 2 degrees more</code></pre>\n\n<p>Strop after every ten strokes.</p>",
    [$workshop], ['tools', 'woodwork']);
$c4 = comments($p4, [
    ['a', null, 'Jun Watanabe', 'https://jun.example/blog/', '2024-04-11 07:10:00', "Do you flatten the back first?\n\nMine came with a slight belly."],
    ['b', 'a', 'Ana Ribeiro', '', '2024-04-11 09:00:00', 'Always. Only the first centimetre needs to be flat, though.'],
    ['c', 'b', 'Jun Watanabe', 'https://jun.example/blog/', '2024-04-11 09:30:00', "<blockquote>Only the first centimetre</blockquote>\nThat saves me an evening, thanks."],
    ['d', 'c', 'Pavel Novak', 'http://pavel.example/', '2024-04-12 16:20:00', 'Same trick works for plane irons: see <a href="http://pavel.example/irons/">my notes</a> and use <code>1000</code> grit.'],
    ['e', null, 'Ingrid Haugen', '', '2024-04-13 10:00:00', 'Which oak? Would beech do?'],
    ['f', 'e', 'Ana Ribeiro', '', '2024-04-13 11:30:00', 'Beech is fine, anything that does not split.'],
    ['g', null, 'Spam Bot', 'http://spam.example/', '2024-04-14 03:00:00', 'Cheap watches', 'comment', 'spam'],
    ['h', null, 'Waiting Person', '', '2024-04-14 09:00:00', 'PENDING-COMMENT-TEXT still in moderation', 'comment', 0],
]);

// 5 and 6. A series; part 1 links to the marsh walk, which gets a pingback from it.
$p5 = post($mira, '2024-05-05 08:00:00', 'Compost, part 1: the heap',
    "<p>Three bays, pallets, and a lid against the rain. Tomas's <a href=\"" . get_permalink($p2) . "\">marsh notes</a> reminded me that reeds make good brown material.</p>",
    [$gardening], ['compost']);
$p6 = post($mira, '2024-05-20 08:00:00', 'Compost, part 2: turning',
    "<p>Turn the heap every three weeks. It should steam in the morning.</p>", [$gardening], ['compost'],
    ['comment_status' => 'closed']);
comments($p5, [
    ['a', null, 'Maud Lefebvre', '', '2024-05-05 19:00:00', 'How big are your bays?'],
    ['b', 'a', 'Mira Okafor', '', '2024-05-06 07:30:00', 'One pallet wide, so about 1.2 metres.'],
]);

// 7. A post split over two pages with <!--nextpage-->.
$p7 = post($tomas, '2024-06-08 21:00:00', 'A long read in two pages',
    "<p>PAGE-ONE-TEXT The first half is about the river.</p>\n<!--nextpage-->\n<p>PAGE-TWO-TEXT The second half is about the bridge.</p>",
    [$field], ['walking']);
comments($p7, [['a', null, 'Pavel Novak', 'http://pavel.example/', '2024-06-09 10:00:00', 'Worth both pages.']]);

// 8. Unicode names and text.
$p8 = post($ana, '2024-06-30 12:00:00', 'Midsummer list',
    "<p>Things to do before the solstice: sharpen, sow, sweep. Für alle, die fragen: ja, auch Kürbisse.</p>",
    [$workshop, $gardening], ['lists']);
comments($p8, [
    ['a', null, 'Zoë Brontë', '', '2024-06-30 13:00:00', 'Kürbisse 🎃 already in!'],
    ['b', null, '李雷', 'https://li.example/', '2024-06-30 14:00:00', '夏至快乐 — happy midsummer.'],
    ['c', 'b', 'Ana Ribeiro', '', '2024-06-30 15:00:00', '谢谢! Thank you.'],
    ['d', null, 'Jun Watanabe', '', '2024-07-01 09:00:00', 'Sweeping is the hard part.'],
]);

// An About page with a comment: not a post.
$about = wp_insert_post(['post_type' => 'page', 'post_title' => 'About', 'post_status' => 'publish',
    'post_author' => $mira, 'post_content' => '<p>Three friends writing about soil, birds and sharp tools.</p>',
    'comment_status' => 'open', 'post_date' => '2024-01-10 10:00:00']);
comments($about, [['a', null, 'Ingrid Haugen', '', '2024-01-11 10:00:00', 'Hello neighbours!']]);

comments($p2, [
    ['c1', null, 'Ingrid Haugen', '', '2024-03-15 10:02:00', 'Lovely write-up. Where did you park?'],
    ['c2', 'c1', 'Tomas Lindqvist', '', '2024-03-15 10:40:00', 'At the church; the reserve car park was flooded.'],
    ['c3', 'c2', 'Ingrid Haugen', '', '2024-03-15 11:05:00', 'Is it free on Sundays?'],
    ['c4', 'c3', 'Pavel Novak', 'http://pavel.example/', '2024-03-15 12:00:00', 'It is, but leave room for the hearse.'],
    ['c5', 'c4', 'Ingrid Haugen', '', '2024-03-15 12:30:00', 'Ha. Noted.'],
    ['c6', 'c5', 'Pavel Novak', 'http://pavel.example/', '2024-03-15 13:10:00', 'DEEPEST reply: one level beyond the theme setting.'],
    ['c7', null, 'Pavel Novak', 'http://pavel.example/', '2024-03-15 14:00:00', 'Three bitterns! Were they all near the north pool?'],
    ['c8', 'c7', 'Zoë Brontë', '', '2024-03-15 14:20:00', 'Two were. The third was by the sluice.'],
    ['c9', 'c7', 'Tomas Lindqvist', '', '2024-03-15 15:00:00', 'What Zoë said.'],
    ['c10', null, 'Maud Lefebvre', '', '2024-03-16 08:00:00', 'Next walk I am coming.'],
    ['c12', null, 'Zoë Brontë', '', '2024-03-16 09:00:00', 'Photos anyone?'],
    ['c13', 'c12', 'Maud Lefebvre', '', '2024-03-16 09:45:00', 'Too dark for my phone.'],
    ['c14', 'c13', 'Zoë Brontë', '', '2024-03-16 10:15:00', 'Same here.'],
    ['c15', null, 'Jun Watanabe', 'https://jun.example/blog/', '2024-03-17 07:30:00', 'The harrier was a female, I think.'],
    ['c16', null, 'Pavel Novak', 'http://pavel.example/', '2024-03-17 18:00:00', 'Water levels: is the lower hide open again?'],
    ['c17', 'c16', 'Jun Watanabe', 'https://jun.example/blog/', '2024-03-17 19:00:00', 'Not until April.'],
    ['c18', 'c16', 'Ingrid Haugen', '', '2024-03-17 19:05:00', 'The warden said May.'],
    ['c19', 'c18', 'Pavel Novak', 'http://pavel.example/', '2024-03-17 20:00:00', 'May it is, then.'],
    ['c20', null, 'Maud Lefebvre', '', '2024-03-18 08:00:00', 'Bring flasks next time.'],
    ['c21', null, 'Ingrid Haugen', '', '2024-03-19 09:00:00', 'Same time next month?'],
    ['c22', 'c21', 'Tomas Lindqvist', '', '2024-03-19 10:00:00', 'Yes, the fourteenth.'],
    ['c23', null, 'Jun Watanabe', 'https://jun.example/blog/', '2024-03-20 11:00:00', 'Bitterns again this morning.'],
    ['c24', null, 'Zoë Brontë', '', '2024-03-22 12:00:00', 'Heard one from the road.'],
    ['c25', null, 'Wetland Diary', 'http://wetland.example/2024/04/02/bitterns/', '2024-04-02 09:00:00',
        '<strong>Bitterns are back</strong>Our neighbours at Field &amp; Bench counted three on their walk...', 'trackback'],
    ['c11', null, 'Compost, part 1: the heap &#8211; Field &amp; Bench', get_permalink($p5), '2024-05-05 08:01:00',
        '[&#8230;] marsh notes reminded me that reeds make good brown material. [&#8230;]', 'pingback'],
    ['c26', null, 'Late Spam', 'http://spam.example/', '2024-03-23 10:00:00', 'SPAM-COMMENT-TEXT buy now', 'comment', 'spam'],
]);

switch_theme('twentytwentythree');
flush_rewrite_rules(false);
echo "posts: $p1 $p2 $p3 $p4 $p5 $p6 $p7 $p8 page: $about\n";
