// What this file is: the list of panels; the View menu and the grid follow it.
#include "panels/panel.h"

namespace bnlab {

std::unique_ptr<Panel> make_curves_panel();
std::unique_ptr<Panel> make_distributions_panel();
std::unique_ptr<Panel> make_shift_panel();
std::unique_ptr<Panel> make_saturation_panel();
std::unique_ptr<Panel> make_gradients_panel();
std::unique_ptr<Panel> make_gamma_beta_panel();
std::unique_ptr<Panel> make_decision_boundary_panel();
std::unique_ptr<Panel> make_network_panel();
std::unique_ptr<Panel> make_contours_panel();
std::unique_ptr<Panel> make_norm_axes_panel();
std::unique_ptr<Panel> make_small_batch_panel();
std::unique_ptr<Panel> make_train_vs_inference_panel();
std::unique_ptr<Panel> make_ema_panel();
std::unique_ptr<Panel> make_reference_panel();
std::unique_ptr<Panel> make_scale_invariance_panel();
std::unique_ptr<Panel> make_bias_redundancy_panel();
std::unique_ptr<Panel> make_ics_panel();
std::unique_ptr<Panel> make_smoothness_panel();
std::unique_ptr<Panel> make_loss_slice_panel();
std::unique_ptr<Panel> make_batch_noise_panel();
std::unique_ptr<Panel> make_search_panel();
std::unique_ptr<Panel> make_bn_transform_panel();
std::unique_ptr<Panel> make_feature_maps_panel();

std::vector<PanelEntry> make_panels() {
  std::vector<PanelEntry> panels;
  for (auto make : {make_curves_panel, make_distributions_panel, make_shift_panel, make_saturation_panel,
                    make_gradients_panel, make_gamma_beta_panel, make_decision_boundary_panel, make_network_panel,
                    make_contours_panel})
    panels.push_back({make(), true});
  // Hidden until the View menu or a scene shows it: the default grid stays the nine it was.
  panels.push_back({make_norm_axes_panel(), false});
  // The labs (View ▸ Labs), hidden until chosen. The small-batch lab starts only on a click or a
  // scene: its grid trains some twenty networks.
  panels.push_back({make_small_batch_panel(), false, true});
  // Training vs inference (issue #12 §2): the three ways BN evaluates, and the EMA explained.
  panels.push_back({make_train_vs_inference_panel(), false, true});
  panels.push_back({make_ema_panel(), false, true});
  panels.push_back({make_reference_panel(), false, true});  // runs A and B beside a published run
  // The invariance labs: a weight scaled by k, and a bias kept before BN (issue #12 §4).
  panels.push_back({make_scale_invariance_panel(), false, true});
  panels.push_back({make_bias_redundancy_panel(), false, true});
  // Beyond covariate shift (Santurkar et al. 2018): ICS and smoothness measure inside the steps
  // while shown; the loss slice computes only on a click or a scene.
  panels.push_back({make_ics_panel(), false, true});
  panels.push_back({make_smoothness_panel(), false, true});
  panels.push_back({make_loss_slice_panel(), false, true});
  // The batch-size lab: μ_B and σ²_B against m on a copy of run A's network; its gap experiment
  // trains only on a click or a scene.
  panels.push_back({make_batch_noise_panel(), false, true});
  panels.push_back({make_search_panel(), false, true});  // hyperparameter search: a grid of runs on a click
  // The BN transform and the feature maps compute on a batch or an image of their own (LabJob).
  panels.push_back({make_bn_transform_panel(), false, true});
  panels.push_back({make_feature_maps_panel(), false, true});
  return panels;
}

}  // namespace bnlab
