<?php
/*
 * Plugin Name: Threadbook test switches
 * Description: Lets tools/wordpress/configure.php close the REST API the way "Disable REST API" plugins do
 *   (the API is still announced, but every anonymous request answers 401).
 */
if (get_option('threadbook_rest_off')) {
    add_filter('rest_authentication_errors', function ($result) {
        return new WP_Error('rest_disabled', 'The REST API is disabled on this site.', ['status' => 401]);
    });
}
